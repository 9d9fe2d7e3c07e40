import { Inject, Injectable } from '@nestjs/common';
import { auditLeafHash, TOPICS } from '@msb/contracts';
import { enqueue, envelope, Tx, Waker } from '@msb/eventing';
import { RUNTIME, ServiceRuntime } from '@msb/platform';
import { CheckpointSigner } from './checkpoint.signer';
import { readNodes, storeNodes } from './merkle-node.store';
import { nodeKey } from './merkle.proofs';
import { CompactRange, foldRight, frontierNodes, TreeNode } from './merkle.tree';

export interface Checkpoint {
  id: string;
  treeSize: number;
  lastSeq: string;
  /** The root hash, base64 as in the note. */
  root: string;
  createdAt: string;
  /** The C2SP signed note (tlog-checkpoint) served at GET /checkpoint. */
  note: string;
}

interface CheckpointRow {
  id: string;
  tree_size: string;
  last_seq: string;
  root: Buffer;
  note: string;
  created_at: Date;
}

const toCheckpoint = (r: CheckpointRow): Checkpoint => ({
  id: r.id,
  treeSize: Number(r.tree_size),
  lastSeq: r.last_seq,
  root: r.root.toString('base64'),
  createdAt: r.created_at.toISOString(),
  note: r.note,
});

/** The leaf of a logged row: its logical topic, partition, offset and envelope. */
export function leafOfRow(r: { topic: string; partition: number; offset: string; envelope: unknown }): Buffer {
  return auditLeafHash({ topic: r.topic, partition: r.partition, offset: Number(r.offset), event: r.envelope });
}

/**
 * Every few seconds, when the log has grown, the tree is extended with the entries recorded
 * since the last checkpoint (their nodes stored), the new root is signed as a C2SP checkpoint
 * and the checkpoint is published to audit.checkpoints through the outbox, all in one
 * transaction. A checkpoint only ever extends the last one, so no two signed checkpoints are
 * inconsistent; a stored tree that no longer folds to the last signed root is not extended.
 */
@Injectable()
export class Checkpointer {
  private running = false;
  private loop?: Promise<void>;
  private readonly waker = new Waker();

  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly signer: CheckpointSigner,
  ) {}

  start(intervalMs = Number(process.env.CHECKPOINT_INTERVAL_MS ?? 5000)): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          await this.checkpoint({ everyMs: intervalMs });
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

  /**
   * Extend the last checkpoint with the entries recorded since; sign, store and publish a new one
   * if any. One checkpointer at a time, whatever the number of instances: asked for (POST
   * /checkpoints) it waits for its turn; on the timer's round (`everyMs`) it gives way to an
   * instance checkpointing right now, and to the last checkpoint if it is younger than `everyMs`,
   * so that the log is checkpointed on one cadence, not once per instance.
   */
  async checkpoint(round: { everyMs?: number } = {}): Promise<Checkpoint | undefined> {
    return this.runtime.db.transaction(async (tx) => {
      if (round.everyMs === undefined) await tx.query("SELECT pg_advisory_xact_lock(hashtext('audit-checkpoint'))");
      else {
        const [{ locked }] = await tx.query<{ locked: boolean }>(
          "SELECT pg_try_advisory_xact_lock(hashtext('audit-checkpoint')) AS locked",
        );
        if (!locked) return undefined;
      }
      const [last] = await tx.query<CheckpointRow & { age_ms: number }>(
        'SELECT *, extract(epoch FROM now() - created_at) * 1000 AS age_ms FROM checkpoints ORDER BY tree_size DESC LIMIT 1',
      );
      // the timer's rounds of all instances share one cadence (a little slack for the timers' own drift)
      if (round.everyMs !== undefined && last && Number(last.age_ms) < round.everyMs * 0.9) return undefined;
      const range = await this.resume(tx, last);
      let lastSeq = last?.last_seq ?? '0';
      for (;;) {
        const rows = await tx.query<{
          seq: string;
          leaf_index: string;
          topic: string;
          partition: number;
          offset: string;
          envelope: unknown;
        }>(
          'SELECT seq, leaf_index, topic, partition, "offset", envelope FROM audit_log WHERE leaf_index >= $1 ORDER BY leaf_index LIMIT 5000',
          [range.treeSize],
        );
        if (rows.length === 0) break;
        const nodes: TreeNode[] = [];
        for (const r of rows) {
          if (Number(r.leaf_index) !== range.treeSize) throw new Error(`leaf ${range.treeSize} is missing from the log`);
          nodes.push(...range.append(leafOfRow(r)));
          lastSeq = r.seq;
        }
        await storeNodes(tx, nodes);
      }
      if (range.treeSize === Number(last?.tree_size ?? 0)) return undefined;
      const root = range.root();
      const note = this.signer.sign(range.treeSize, root);
      const [row] = await tx.query<CheckpointRow>(
        'INSERT INTO checkpoints (tree_size, last_seq, root, note) VALUES ($1, $2, $3, $4) RETURNING *',
        [range.treeSize, lastSeq, root, note],
      );
      await enqueue(tx, [
        {
          topic: TOPICS.auditCheckpoints,
          key: this.signer.origin,
          envelope: envelope({
            type: 'audit.CheckpointSigned',
            source: 'audit',
            subject: this.signer.origin,
            time: row.created_at,
            data: { origin: this.signer.origin, treeSize: range.treeSize, rootHash: root.toString('base64'), note },
          }),
        },
      ]);
      return toCheckpoint(row);
    });
  }

  /** The compact range of the last checkpoint, from the stored tree, which must still fold to its signed root. */
  private async resume(tx: Tx, last: CheckpointRow | undefined): Promise<CompactRange> {
    if (!last) return new CompactRange();
    const size = Number(last.tree_size);
    const ids = frontierNodes(size);
    const stored = await readNodes(tx, ids);
    const frontier = ids.map((id) => stored.get(nodeKey(id)));
    if (frontier.some((h) => h === undefined)) throw new Error(`the stored tree lacks nodes of checkpoint ${size}; not extending it`);
    if (!foldRight(frontier as Buffer[]).equals(last.root))
      throw new Error(`the stored tree no longer folds to the signed root of checkpoint ${size}; not extending it`);
    return new CompactRange(size, frontier as Buffer[]);
  }

  async latest(): Promise<Checkpoint | undefined> {
    const [row] = await this.runtime.db.query<CheckpointRow>('SELECT * FROM checkpoints ORDER BY tree_size DESC LIMIT 1');
    return row ? toCheckpoint(row) : undefined;
  }

  async list(limit = 20): Promise<Checkpoint[]> {
    const rows = await this.runtime.db.query<CheckpointRow>('SELECT * FROM checkpoints ORDER BY tree_size DESC LIMIT $1', [limit]);
    return rows.map(toCheckpoint);
  }
}
