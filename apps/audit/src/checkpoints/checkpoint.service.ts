import { Inject, Injectable } from '@nestjs/common';
import { Waker } from '@msb/eventing';
import { RUNTIME, ServiceRuntime } from '@msb/platform';
import { CompactRange, Frontier } from './merkle.tree';

export interface Checkpoint {
  id: string;
  treeSize: number;
  lastSeq: string;
  root: string;
  createdAt: string;
}

/**
 * Every few seconds, when the log has grown, a Merkle checkpoint over all entry hashes in
 * recording order is stored with its time. Writers to the log are serialised (one
 * transaction at a time holds the log lock), so what a checkpoint reads is always a prefix.
 */
@Injectable()
export class Checkpointer {
  private running = false;
  private loop?: Promise<void>;
  private readonly waker = new Waker();

  constructor(@Inject(RUNTIME) private readonly runtime: ServiceRuntime) {}

  start(intervalMs = Number(process.env.CHECKPOINT_INTERVAL_MS ?? 5000)): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          await this.checkpoint();
        } catch (error) {
          this.runtime.log.warn({ err: error }, 'checkpoint failed; retrying');
        }
        await this.waker.wait(intervalMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.waker.poke();
    await this.loop;
  }

  /** Extend the last checkpoint with the entries recorded since; store a new one if any. */
  async checkpoint(): Promise<Checkpoint | undefined> {
    const db = this.runtime.db;
    return db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(hashtext('audit-checkpoint'))");
      const [last] = await tx.query<{ tree_size: string; last_seq: string; frontier: Frontier }>(
        'SELECT tree_size, last_seq, frontier FROM checkpoints ORDER BY tree_size DESC LIMIT 1',
      );
      const range = new CompactRange(last?.frontier);
      let after = last?.last_seq ?? '0';
      for (;;) {
        const rows = await tx.query<{ seq: string; hash: string }>(
          'SELECT seq, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 10000',
          [after],
        );
        if (rows.length === 0) break;
        for (const r of rows) range.append(r.hash);
        after = rows[rows.length - 1].seq;
      }
      if (range.treeSize === Number(last?.tree_size ?? 0)) return undefined;
      const [row] = await tx.query<{ id: string; created_at: Date }>(
        'INSERT INTO checkpoints (tree_size, last_seq, root, frontier) VALUES ($1, $2, $3, $4) RETURNING id, created_at',
        [range.treeSize, after, range.root(), JSON.stringify(range.frontier())],
      );
      return { id: row.id, treeSize: range.treeSize, lastSeq: after, root: range.root(), createdAt: row.created_at.toISOString() };
    });
  }

  async list(limit = 20): Promise<Checkpoint[]> {
    const rows = await this.runtime.db.query<{ id: string; tree_size: string; last_seq: string; root: string; created_at: Date }>(
      'SELECT id, tree_size, last_seq, root, created_at FROM checkpoints ORDER BY tree_size DESC LIMIT $1',
      [limit],
    );
    return rows.map((r) => ({
      id: r.id,
      treeSize: Number(r.tree_size),
      lastSeq: r.last_seq,
      root: r.root,
      createdAt: r.created_at.toISOString(),
    }));
  }
}
