/**
 * `npm run audit -- prove <claimId>`: what an auditor of another agency checks without
 * trusting the audit service. The latest checkpoint's signature is verified with the pinned
 * verifier key (AUDIT_VERIFIER_KEY; without it, the key the service serves, which is said).
 * Then for every entry about the claim: the leaf hash is recomputed from the entry's topic,
 * partition, offset and event, and its RFC 9162 inclusion proof is verified against the
 * checkpoint's root. False when any entry is not proven.
 */
import { auditLeafHash, openNote, parseCheckpoint, parseVerifierKey, verifyInclusion } from '@msb/contracts';
import { ServiceClient } from '@msb/testing';

interface Entry {
  index: number;
  topic: string;
  partition: number;
  offset: number;
  event: { type: string; source: string; id: string };
  leafHash: string;
}

async function get<T>(client: ServiceClient, path: string): Promise<T> {
  const res = await client.get<T>(path);
  if (res.status >= 400) {
    const problem = res.body as { title?: string; detail?: string };
    throw new Error(`GET ${path}: ${res.status} ${problem.title ?? ''}: ${problem.detail ?? JSON.stringify(res.body)}`);
  }
  return res.body;
}

/** A paged list whole: its first page with the items of every page (`limit=500`, then each `nextCursor`) under `field`. */
export async function allPages<P extends { nextCursor?: string | null }>(client: ServiceClient, path: string, field: keyof P): Promise<P> {
  const at = (cursor?: string) =>
    `${path}${path.includes('?') ? '&' : '?'}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
  const first = await get<P>(client, at());
  const items = [...(first[field] as unknown[])];
  for (let page = first; page.nextCursor;) {
    page = await get<P>(client, at(page.nextCursor));
    items.push(...(page[field] as unknown[]));
  }
  return { ...first, [field]: items, nextCursor: null };
}

export async function prove(client: ServiceClient, claimId: string, out: (line?: string) => void): Promise<boolean> {
  const pinned = process.env.AUDIT_VERIFIER_KEY;
  const key = parseVerifierKey((pinned ?? (await get<string>(client, '/checkpoint/key'))).trim());
  const note = await get<string>(client, '/checkpoint');
  const checkpoint = parseCheckpoint(openNote(note, [key]).text);
  if (checkpoint.origin !== key.name) throw new Error(`the checkpoint names log ${checkpoint.origin}, the key ${key.name}`);
  out(
    `checkpoint ${checkpoint.origin} size ${checkpoint.treeSize} root ${checkpoint.rootHash.toString('base64')}: signature verified with ${key.name}+${key.keyId}` +
      (pinned ? ' (AUDIT_VERIFIER_KEY)' : ' (the key the service serves; pin it with AUDIT_VERIFIER_KEY)'),
  );
  const history = await allPages<{ events: { index: number }[]; nextCursor?: string | null }>(
    client,
    `/claims/${encodeURIComponent(claimId)}/history`,
    'events',
  );
  let proven = 0;
  for (const { index } of history.events) {
    const entry = await get<Entry>(client, `/entries/${index}`);
    const leafHash = auditLeafHash({ topic: entry.topic, partition: entry.partition, offset: entry.offset, event: entry.event });
    const where = `#${index} ${entry.event.type} (${entry.event.source}) ${entry.topic}/${entry.partition}@${entry.offset}`;
    if (entry.index !== index || leafHash.toString('base64') !== entry.leafHash) {
      out(
        `${where}: NOT PROVEN: the leaf hash recomputed from the entry is ${leafHash.toString('base64')}, the service says ${entry.leafHash}`,
      );
      continue;
    }
    if (index >= checkpoint.treeSize) {
      out(`${where}: NOT PROVEN yet: the latest checkpoint covers ${checkpoint.treeSize} entries; retry in a few seconds`);
      continue;
    }
    const proof = await get<{ inclusionPath: string[] }>(client, `/proofs/inclusion?index=${index}&size=${checkpoint.treeSize}`);
    const path = proof.inclusionPath.map((h) => Buffer.from(h, 'base64'));
    const ok = verifyInclusion({ leafHash, index, size: checkpoint.treeSize, path, root: checkpoint.rootHash });
    out(`${where}: leaf ${leafHash.toString('base64')} ${ok ? 'INCLUDED' : 'NOT PROVEN: the inclusion proof does not verify'}`);
    for (const h of proof.inclusionPath) out(`    ${h}`);
    if (ok) proven += 1;
  }
  out(`${proven} of ${history.events.length} entries of claim ${claimId} proven in the checkpoint of size ${checkpoint.treeSize}`);
  return proven === history.events.length;
}
