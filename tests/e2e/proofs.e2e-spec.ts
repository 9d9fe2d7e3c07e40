import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  canonicalJson,
  decodeMessage,
  formatVerifierKey,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  rawEd25519PublicKey,
  verifyConsistency,
  verifyInclusion,
} from '@msb/contracts';
import { applyStep, IdMap, kafkaAs, loadScenario, mapStep, randomTag, repoRoot, TestSystem } from '@msb/testing';

/**
 * Proofs another agency can check without trusting the audit service: the latest checkpoint
 * is a C2SP signed note verified with the served key, every entry of a claim is included in
 * it (its leaf recomputed here from topic, partition, offset and event), a later checkpoint
 * is consistent with an earlier one, each checkpoint is on audit.checkpoints, and an event
 * altered or moved in the database no longer proves.
 */
interface Entry {
  index: number;
  topic: string;
  partition: number;
  offset: number;
  event: Record<string, unknown>;
  leafHash: string;
}

const b64 = (s: string) => Buffer.from(s, 'base64');
/** SHA-256(0x00 ‖ JCS({ topic, partition, offset, event })), computed here from what the entry says. */
const leafOf = (e: Pick<Entry, 'topic' | 'partition' | 'offset' | 'event'>) =>
  createHash('sha256')
    .update(
      Buffer.concat([
        Buffer.from([0]),
        Buffer.from(canonicalJson({ topic: e.topic, partition: e.partition, offset: e.offset, event: e.event })),
      ]),
    )
    .digest();

describe('audit: signed checkpoints and RFC 9162 proofs', () => {
  let system: TestSystem;
  const first = new IdMap(randomTag());
  const second = new IdMap(randomTag());

  async function settle(file: string, ids: IdMap): Promise<void> {
    for (const step of loadScenario(file).steps) await applyStep(system.clients, mapStep(step, ids));
    await system.caughtUp();
  }

  /** Take a checkpoint now and read it back as served, verified with the served key. */
  async function checkpoint() {
    const taken = await system.clients.audit.post<{ treeSize: number; note: string }>('/checkpoints');
    expect(taken.status).toBe(200);
    const res = await system.clients.audit.get<string>('/checkpoint');
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^text\/plain/);
    const key = await system.clients.audit.get<string>('/checkpoint/key');
    const verifier = parseVerifierKey(key.body);
    const parsed = parseCheckpoint(openNote(res.body, [verifier]).text);
    return { note: res.body, key: key.body, ...parsed };
  }

  beforeAll(async () => {
    system = await TestSystem.start();
    await settle('reversal-and-correction.json', first);
  }, 300_000);

  afterAll(async () => {
    await system?.stop();
  }, 120_000);

  let a: Awaited<ReturnType<typeof checkpoint>>;
  let b: Awaited<ReturnType<typeof checkpoint>>;

  it('serves the latest checkpoint as a C2SP signed note, signed by the key it serves', async () => {
    a = await checkpoint();
    const key = await system.clients.audit.get<string>('/checkpoint/key');
    expect(key.contentType).toMatch(/^text\/plain/);
    // <name>+<key ID>+base64(0x01 ‖ 32-byte key), the key ID being SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[:4]
    const [, name, keyId, key64] = /^([^+]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]{44})$/.exec(key.body)!;
    const raw = b64(key64);
    expect(raw[0]).toBe(0x01);
    expect(createHash('sha256').update(`${name}\n`).update(raw).digest().subarray(0, 4).toString('hex')).toBe(keyId);
    // origin, tree size, base64 root; a blank line; "— <name> base64(key ID ‖ signature)"
    const lines = a.note.split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe(name);
    expect(lines[1]).toBe(String(a.treeSize));
    expect(lines[3]).toBe('');
    expect(lines[4].startsWith(`\u2014 ${name} `)).toBe(true);
    expect(b64(lines[4].split(' ')[2]).subarray(0, 4).toString('hex')).toBe(keyId);
    expect(lines[5]).toBe('');
    expect(a.origin).toBe(`msb.audit/${system.databaseName('audit')}`);
    expect(a.treeSize).toBeGreaterThan(10);
    // altered text, or another key under the same name, do not verify
    const altered = a.note.replace(`\n${a.treeSize}\n`, `\n${a.treeSize + 1}\n`);
    expect(() => openNote(altered, [parseVerifierKey(key.body)])).toThrow(/invalid signature/);
    const impostor = formatVerifierKey(name, rawEd25519PublicKey(generateKeyPairSync('ed25519').privateKey));
    expect(() => openNote(a.note, [parseVerifierKey(impostor)])).toThrow(/no signature by a known key/);
  }, 60_000);

  it("proves every entry of a claim against the checkpoint's root, with a leaf recomputed from the entry", async () => {
    const claimId = first.claim('RC-2');
    const history = await system.clients.audit.get<{ events: { index: number; eventId: string; type: string }[] }>(
      `/claims/${claimId}/history`,
    );
    expect(history.status).toBe(200);
    expect(history.body.events.length).toBeGreaterThanOrEqual(4);
    for (const { index, eventId, type } of history.body.events) {
      const entry = await system.clients.audit.get<Entry>(`/entries/${index}`);
      expect(entry.status).toBe(200);
      expect(Object.keys(entry.body).sort()).toEqual(['event', 'index', 'leafHash', 'offset', 'partition', 'topic']);
      expect(entry.body).toMatchObject({ index, event: { id: eventId, type } });
      expect(entry.body.topic).not.toMatch(new RegExp(`^${system.topicPrefix}`));
      const leaf = leafOf(entry.body);
      expect(entry.body.leafHash).toBe(leaf.toString('base64'));
      expect(index).toBeLessThan(a.treeSize);
      const proof = await system.clients.audit.get<{ index: number; size: number; inclusionPath: string[] }>(
        `/proofs/inclusion?index=${index}&size=${a.treeSize}`,
      );
      expect(proof.status).toBe(200);
      expect(proof.body).toMatchObject({ index, size: a.treeSize });
      const path = proof.body.inclusionPath.map(b64);
      expect(verifyInclusion({ leafHash: leaf, index, size: a.treeSize, path, root: a.rootHash })).toBe(true);
      // the same event claimed at another place does not prove
      expect(verifyInclusion({ leafHash: leaf, index: (index + 1) % a.treeSize, size: a.treeSize, path, root: a.rootHash })).toBe(false);
      expect(
        verifyInclusion({
          leafHash: leafOf({ ...entry.body, offset: entry.body.offset + 1 }),
          index,
          size: a.treeSize,
          path,
          root: a.rootHash,
        }),
      ).toBe(false);
    }
  }, 120_000);

  it('a later checkpoint extends the earlier one: the consistency proof verifies', async () => {
    await settle('multi-visit-cumulative.json', second);
    b = await checkpoint();
    expect(b.treeSize).toBeGreaterThan(a.treeSize);
    expect(b.origin).toBe(a.origin);
    const proof = await system.clients.audit.get<{ from: number; to: number; consistencyPath: string[] }>(
      `/proofs/consistency?from=${a.treeSize}&to=${b.treeSize}`,
    );
    expect(proof.status).toBe(200);
    const path = proof.body.consistencyPath.map(b64);
    expect(path.length).toBeGreaterThan(0);
    expect(verifyConsistency({ size1: a.treeSize, size2: b.treeSize, path, root1: a.rootHash, root2: b.rootHash })).toBe(true);
    const otherRoot = Buffer.from(a.rootHash);
    otherRoot[0] ^= 1;
    expect(verifyConsistency({ size1: a.treeSize, size2: b.treeSize, path, root1: otherRoot, root2: b.rootHash })).toBe(false);
    // an entry of the first claim proves in the later tree as well
    const [{ index }] = (await system.clients.audit.get<{ events: { index: number }[] }>(`/claims/${first.claim('RC-2')}/history`)).body
      .events;
    const entry = (await system.clients.audit.get<Entry>(`/entries/${index}`)).body;
    const inclusion = await system.clients.audit.get<{ inclusionPath: string[] }>(`/proofs/inclusion?index=${index}&size=${b.treeSize}`);
    expect(
      verifyInclusion({ leafHash: leafOf(entry), index, size: b.treeSize, path: inclusion.body.inclusionPath.map(b64), root: b.rootHash }),
    ).toBe(true);
    expect((await system.clients.audit.post<{ ok: boolean }>('/verify')).body.ok).toBe(true);
  }, 180_000);

  it('publishes each checkpoint to audit.checkpoints for every agency to keep', async () => {
    // as basic-insurance: every payer may keep a copy of the checkpoints
    const consumer = kafkaAs('basic-insurance', `proofs-test-${randomTag()}`).consumer({
      groupId: `${system.topicPrefix}.basic-insurance.proofs-test-${randomTag()}`,
    });
    const published = new Map<number, { key: string; origin: string; note: string }>();
    const undecodable: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: `${system.topicPrefix}.audit.checkpoints`, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const decoded = decodeMessage(message.value);
          if (!decoded.ok) undecodable.push(decoded.detail);
          else if (decoded.envelope.type === 'audit.CheckpointSigned') {
            const { origin, treeSize, note } = decoded.envelope.data;
            published.set(treeSize, { key: message.key?.toString() ?? '', origin, note });
          }
        },
      });
      const deadline = Date.now() + 60_000;
      while (!(published.has(a.treeSize) && published.has(b.treeSize)) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
    } finally {
      await consumer.disconnect();
    }
    expect(undecodable).toEqual([]);
    const notes = published;
    expect(notes.get(a.treeSize)?.note).toBe(a.note);
    expect(notes.get(b.treeSize)?.note).toBe(b.note);
    for (const { key, origin, note } of notes.values()) {
      expect(key).toBe(a.origin);
      expect(origin).toBe(a.origin);
      expect(() => openNote(note, [parseVerifierKey(a.key)])).not.toThrow();
    }
  }, 120_000);

  it('`npm run audit -- prove CLAIM` verifies every entry of the claim against the latest checkpoint', () => {
    const cli = (env: Record<string, string>) =>
      spawnSync(
        process.execPath,
        ['-r', join(repoRoot(), 'tools/register-paths.js'), join(repoRoot(), 'dist/tools/audit-cli.js'), 'prove', second.claim('MV-2')],
        {
          cwd: repoRoot(),
          env: { ...process.env, AUDIT_URL: system.clients.audit.baseUrl, ...env },
          encoding: 'utf8',
        },
      );
    const ok = cli({ AUDIT_VERIFIER_KEY: a.key });
    expect({ status: ok.status, stderr: ok.stderr }).toEqual({ status: 0, stderr: '' });
    expect(ok.stdout).toMatch(/signature verified with .* \(AUDIT_VERIFIER_KEY\)/);
    const [, proven, all] = /(\d+) of (\d+) entries of claim .* proven/.exec(ok.stdout)!;
    expect(Number(proven)).toBe(Number(all));
    expect(Number(all)).toBeGreaterThanOrEqual(3);
    expect(ok.stdout.match(/INCLUDED/g)).toHaveLength(Number(all));
    // a pinned key that is not the log's: nothing is taken on trust
    const impostor = formatVerifierKey(a.origin, rawEd25519PublicKey(generateKeyPairSync('ed25519').privateKey));
    const refused = cli({ AUDIT_VERIFIER_KEY: impostor });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/no signature by a known key/);
  }, 60_000);

  it('an event altered or moved in the database no longer proves against the signed root', async () => {
    const db = new Client({ connectionString: system.databaseUrl('audit') });
    await db.connect();
    try {
      // a superuser who goes around the append-only trigger (no service role can change an entry)
      await db.query("SET session_replication_role = 'replica'");
      const [{ index }] = (await system.clients.audit.get<{ events: { index: number }[] }>(`/claims/${second.claim('MV-1')}/history`)).body
        .events;
      const proof = (await system.clients.audit.get<{ inclusionPath: string[] }>(`/proofs/inclusion?index=${index}&size=${b.treeSize}`))
        .body;
      const proves = async () => {
        const entry = (await system.clients.audit.get<Entry>(`/entries/${index}`)).body;
        return verifyInclusion({ leafHash: leafOf(entry), index, size: b.treeSize, path: proof.inclusionPath.map(b64), root: b.rootHash });
      };
      expect(await proves()).toBe(true);
      await db.query('UPDATE audit_log SET "offset" = "offset" + 1 WHERE leaf_index = $1', [index]);
      expect(await proves()).toBe(false);
      expect((await system.clients.audit.post<{ ok: boolean; brokenCheckpoint?: unknown }>('/verify')).body).toMatchObject({
        ok: false,
        brokenCheckpoint: expect.anything(),
      });
      await db.query('UPDATE audit_log SET "offset" = "offset" - 1 WHERE leaf_index = $1', [index]);
      expect(await proves()).toBe(true);
      await db.query(`UPDATE audit_log SET envelope = jsonb_set(envelope::jsonb, '{subject}', '"forged"')::json WHERE leaf_index = $1`, [
        index,
      ]);
      expect(await proves()).toBe(false);
    } finally {
      await db.end();
    }
  }, 60_000);

  it('refuses bad proof requests with every problem listed', async () => {
    const bad = await system.clients.audit.get<{ status: number; errors: { path: string }[] }>('/proofs/inclusion?index=x&size=-1');
    expect(bad.status).toBe(400);
    expect(bad.contentType).toMatch(/^application\/problem\+json/);
    expect(bad.body.errors.map((e) => e.path).sort()).toEqual(['/query/index', '/query/size']);
    const beyond = await system.clients.audit.get<{ errors: { path: string }[] }>(
      `/proofs/inclusion?index=${b.treeSize + 5}&size=${b.treeSize + 1000000}`,
    );
    expect(beyond.status).toBe(400);
    expect(beyond.body.errors.map((e) => e.path).sort()).toEqual(['/query/size']);
    const order = await system.clients.audit.get<{ errors: { path: string }[] }>(`/proofs/consistency?from=0&to=1`);
    expect(order.status).toBe(400);
    expect(order.body.errors.map((e) => e.path)).toEqual(['/query/from']);
    const missing = await system.clients.audit.get<{ errors: { path: string }[] }>('/proofs/consistency');
    expect(missing.body.errors.map((e) => e.path).sort()).toEqual(['/query/from', '/query/to']);
    expect((await system.clients.audit.get('/entries/abc')).status).toBe(400);
    expect((await system.clients.audit.get('/entries/99999999')).status).toBe(404);
  }, 60_000);
});
