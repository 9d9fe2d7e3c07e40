import { Inject, Injectable } from '@nestjs/common';
import { RUNTIME, ServiceRuntime } from '@msb/platform';
import { leafOfRow } from '../checkpoints/checkpoint.service';
import { CheckpointSigner } from '../checkpoints/checkpoint.signer';
import { CompactRange, legacyLeafHash } from '../checkpoints/merkle.tree';
import { entryHash, GENESIS, logHead } from '../log/audit.chain';

export interface BrokenEntry {
  seq: string;
  eventId: string;
  chain: string;
  chainSeq: string;
  problem: string;
}

export interface VerifyResult {
  ok: boolean;
  events: number;
  chains: number;
  head: string;
  checkpoints: number;
  brokenAt?: BrokenEntry;
  /** `unsigned`: one of the checkpoints taken before they were signed (checkpoints_v1, roots in hex). */
  brokenCheckpoint?: { id: string; treeSize: number; recorded: string; recomputed: string; createdAt: string; unsigned?: true };
}

interface Row {
  seq: string;
  leaf_index: string;
  event_id: string;
  chain: string;
  chain_seq: string;
  topic: string;
  partition: number;
  offset: string;
  envelope: unknown;
  prev_hash: string;
  hash: string;
}

/** A recorded checkpoint and how to recompute and check it. */
interface Recorded {
  id: string;
  treeSize: number;
  root: string;
  createdAt: string;
  /** Which tree it was taken over: signed (leaves commit positions) or the unsigned v1 one. */
  signed: boolean;
  note?: string;
}

/**
 * Recomputes every chain from its first entry: each entry's stored previous hash must be
 * the hash recomputed for the entry before it, and its own hash must be recomputed from
 * the stored event; entries are in leaf order, each at its place. The first entry (in
 * recording order) where that fails is reported. Then every stored checkpoint is recomputed
 * from the entries it covers — the leaves from each entry's topic, partition, offset and
 * event — and its note must be this log's signature of that root: a log rewritten with
 * consistent new hashes still differs from the roots signed and published earlier.
 */
@Injectable()
export class ChainVerifier {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly signer: CheckpointSigner,
  ) {}

  async verify(pageSize = 5000): Promise<VerifyResult> {
    const db = this.runtime.db;
    const expectedPrev = new Map<string, { hash: string; length: bigint }>();
    let broken: BrokenEntry | undefined;
    let events = 0;
    const signed = await db.query<{ id: string; tree_size: string; root: Buffer; note: string; created_at: Date }>(
      'SELECT id, tree_size, root, note, created_at FROM checkpoints ORDER BY tree_size',
    );
    const legacy = await db.query<{ id: string; tree_size: string; root: string; created_at: Date }>(
      'SELECT id, tree_size, root, created_at FROM checkpoints_v1 ORDER BY tree_size',
    );
    const recorded = (rows: { id: string; tree_size: string; created_at: Date }[], root: (i: number) => string, isSigned: boolean) =>
      rows.map((c, i): Recorded => ({
        id: c.id,
        treeSize: Number(c.tree_size),
        root: root(i),
        createdAt: c.created_at.toISOString(),
        signed: isSigned,
        note: isSigned ? signed[i].note : undefined,
      }));
    const trees = [
      { range: new CompactRange(), next: 0, checkpoints: recorded(signed, (i) => signed[i].root.toString('base64'), true) },
      { range: new CompactRange(), next: 0, checkpoints: recorded(legacy, (i) => legacy[i].root, false) },
    ];
    let brokenCheckpoint: VerifyResult['brokenCheckpoint'];
    const fail = (c: Recorded, recomputed: string) => {
      brokenCheckpoint ??= {
        id: c.id,
        treeSize: c.treeSize,
        recorded: c.root,
        recomputed,
        createdAt: c.createdAt,
        ...(c.signed ? {} : { unsigned: true as const }),
      };
    };
    const checkCheckpoints = () => {
      for (const tree of trees) {
        while (tree.next < tree.checkpoints.length && tree.checkpoints[tree.next].treeSize === tree.range.treeSize) {
          const c = tree.checkpoints[tree.next++];
          const root = tree.range.root();
          const recomputed = c.signed ? root.toString('base64') : root.toString('hex');
          if (recomputed !== c.root) fail(c, recomputed);
          else if (c.signed && !this.signer.signed(c.note!, c.treeSize, root))
            fail(c, `${recomputed}, but its note is not this log's signature of it`);
        }
      }
    };
    let after = -1;
    for (;;) {
      const rows = await db.query<Row>(
        `SELECT seq, leaf_index, event_id, chain, chain_seq, topic, partition, "offset", envelope, prev_hash, hash
         FROM audit_log WHERE leaf_index > $1 ORDER BY leaf_index LIMIT $2`,
        [after, pageSize],
      );
      if (rows.length === 0) break;
      for (const r of rows) {
        const place = events;
        events += 1;
        const previous = expectedPrev.get(r.chain) ?? { hash: GENESIS, length: 0n };
        const recomputed = entryHash(previous.hash, r.envelope);
        let problem: string | undefined;
        if (Number(r.leaf_index) !== place) problem = `its leaf index ${r.leaf_index} is not its place ${place} in the log`;
        else if (BigInt(r.chain_seq) !== previous.length + 1n) problem = `chain position ${r.chain_seq} follows ${previous.length}`;
        else if (r.prev_hash !== previous.hash) problem = 'its previous hash does not match the entry before it';
        else if (r.hash !== recomputed) problem = 'its content does not match its hash';
        if (problem && !broken) broken = { seq: r.seq, eventId: r.event_id, chain: r.chain, chainSeq: r.chain_seq, problem };
        expectedPrev.set(r.chain, { hash: recomputed, length: BigInt(r.chain_seq) });
        trees[0].range.append(leafOfRow(r));
        trees[1].range.append(legacyLeafHash(r.hash));
        checkCheckpoints();
      }
      after = Number(rows[rows.length - 1].leaf_index);
    }
    const heads = await db.query<{ chain: string; length: string; hash: string }>('SELECT chain, length, hash FROM chain_heads');
    for (const h of heads) {
      const computed = expectedPrev.get(h.chain);
      if (!broken && (!computed || computed.hash !== h.hash || computed.length !== BigInt(h.length))) {
        broken = { seq: '', eventId: '', chain: h.chain, chainSeq: h.length, problem: 'the stored chain head does not match its entries' };
      }
    }
    for (const tree of trees)
      if (tree.next < tree.checkpoints.length) fail(tree.checkpoints[tree.next], `the log has only ${tree.range.treeSize} entries`);
    const head = logHead([...expectedPrev].map(([chain, v]) => ({ chain, length: v.length.toString(), hash: v.hash })));
    return {
      ok: broken === undefined && brokenCheckpoint === undefined,
      events,
      chains: expectedPrev.size,
      head,
      checkpoints: signed.length + legacy.length,
      ...(broken ? { brokenAt: broken } : {}),
      ...(brokenCheckpoint ? { brokenCheckpoint } : {}),
    };
  }

  /** The head as stored (without recomputing): what a rebuild must reproduce. */
  async storedHead(): Promise<{ head: string; events: number }> {
    const heads = await this.runtime.db.query<{ chain: string; length: string; hash: string }>(
      'SELECT chain, length, hash FROM chain_heads WHERE length > 0',
    );
    return { head: logHead(heads), events: heads.reduce((n, h) => n + Number(h.length), 0) };
  }
}
