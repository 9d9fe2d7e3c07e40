import { Inject, Injectable } from '@nestjs/common';
import { RUNTIME, ServiceRuntime } from '@msb/platform';
import { CompactRange } from '../checkpoints/merkle.tree';
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
  brokenCheckpoint?: { id: string; treeSize: number; recorded: string; recomputed: string; createdAt: string };
}

interface Row {
  seq: string;
  event_id: string;
  chain: string;
  chain_seq: string;
  envelope: unknown;
  prev_hash: string;
  hash: string;
}

/**
 * Recomputes every chain from its first entry: each entry's stored previous hash must be
 * the hash recomputed for the entry before it, and its own hash must be recomputed from
 * the stored event. The first entry (in recording order) where that fails is reported.
 * Then every stored Merkle checkpoint is recomputed from the entries it covers: a log
 * rewritten with consistent new hashes still differs from the roots recorded earlier.
 */
@Injectable()
export class ChainVerifier {
  constructor(@Inject(RUNTIME) private readonly runtime: ServiceRuntime) {}

  async verify(pageSize = 5000): Promise<VerifyResult> {
    const db = this.runtime.db;
    const expectedPrev = new Map<string, { hash: string; length: bigint }>();
    let broken: BrokenEntry | undefined;
    let events = 0;
    const checkpoints = await db.query<{ id: string; tree_size: string; root: string; created_at: Date }>(
      'SELECT id, tree_size, root, created_at FROM checkpoints ORDER BY tree_size',
    );
    let nextCheckpoint = 0;
    let brokenCheckpoint: VerifyResult['brokenCheckpoint'];
    const range = new CompactRange();
    const checkCheckpoints = () => {
      while (nextCheckpoint < checkpoints.length && Number(checkpoints[nextCheckpoint].tree_size) === range.treeSize) {
        const c = checkpoints[nextCheckpoint++];
        const recomputed = range.root();
        if (recomputed !== c.root && !brokenCheckpoint) {
          brokenCheckpoint = {
            id: c.id,
            treeSize: Number(c.tree_size),
            recorded: c.root,
            recomputed,
            createdAt: c.created_at.toISOString(),
          };
        }
      }
    };
    let after = '0';
    for (;;) {
      const rows = await db.query<Row>(
        'SELECT seq, event_id, chain, chain_seq, envelope, prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2',
        [after, pageSize],
      );
      if (rows.length === 0) break;
      for (const r of rows) {
        events += 1;
        const previous = expectedPrev.get(r.chain) ?? { hash: GENESIS, length: 0n };
        const recomputed = entryHash(previous.hash, r.envelope);
        let problem: string | undefined;
        if (BigInt(r.chain_seq) !== previous.length + 1n) problem = `chain position ${r.chain_seq} follows ${previous.length}`;
        else if (r.prev_hash !== previous.hash) problem = 'its previous hash does not match the entry before it';
        else if (r.hash !== recomputed) problem = 'its content does not match its hash';
        if (problem && !broken) broken = { seq: r.seq, eventId: r.event_id, chain: r.chain, chainSeq: r.chain_seq, problem };
        expectedPrev.set(r.chain, { hash: recomputed, length: BigInt(r.chain_seq) });
        range.append(r.hash);
        checkCheckpoints();
      }
      after = rows[rows.length - 1].seq;
    }
    const heads = await db.query<{ chain: string; length: string; hash: string }>('SELECT chain, length, hash FROM chain_heads');
    for (const h of heads) {
      const computed = expectedPrev.get(h.chain);
      if (!broken && (!computed || computed.hash !== h.hash || computed.length !== BigInt(h.length))) {
        broken = { seq: '', eventId: '', chain: h.chain, chainSeq: h.length, problem: 'the stored chain head does not match its entries' };
      }
    }
    if (nextCheckpoint < checkpoints.length && !brokenCheckpoint) {
      const c = checkpoints[nextCheckpoint];
      brokenCheckpoint = {
        id: c.id,
        treeSize: Number(c.tree_size),
        recorded: c.root,
        recomputed: `the log has only ${range.treeSize} entries`,
        createdAt: c.created_at.toISOString(),
      };
    }
    const head = logHead([...expectedPrev].map(([chain, v]) => ({ chain, length: v.length.toString(), hash: v.hash })));
    return {
      ok: broken === undefined && brokenCheckpoint === undefined,
      events,
      chains: expectedPrev.size,
      head,
      checkpoints: checkpoints.length,
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
