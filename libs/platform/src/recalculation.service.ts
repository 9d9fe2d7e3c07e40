import { allowLongTransaction, Database, Tx, Waker } from '@msb/eventing';
import type { Logger } from 'pino';

export interface RecalculationJob {
  id: string;
  region: string;
  year: number;
  policyRevision: number;
  status: 'PENDING' | 'RUNNING' | 'DONE' | 'SUPERSEDED';
  cursor: string;
  total: number | null;
  processed: number;
  changed: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Schedule the recalculation of a region-year, in the transaction that stored the policy revision. */
export async function scheduleRecalculation(tx: Tx, region: string, year: number, policyRevision: number): Promise<void> {
  await tx.execute('INSERT INTO recalculations (region, year, policy_revision) VALUES ($1, $2, $3)', [region, year, policyRevision]);
}

export interface RecalculationOptions {
  db: Database;
  logger: Logger;
  batchSize?: number;
  /**
   * Recompute one batch of the region-year's person-years after `cursor`, in `tx`, holding
   * their locks. Returns the last stream id it covered (the next cursor; undefined when the
   * region-year is exhausted) and how many person-years changed.
   */
  recomputeBatch: (tx: Tx, job: RecalculationJob, limit: number) => Promise<{ last?: string; count: number; changed: number }>;
  /** How many person-years the region-year has, for progress. */
  countPersonYears: (region: string, year: number) => Promise<number>;
  /** Called after each committed batch (e.g. to wake the outbox relay). */
  afterBatch?: () => void;
}

/** How long one recalculation batch may run (its statements and the decisions between them). */
const BATCH_TIMEOUT_MS = 10 * 60 * 1000;

interface JobRow {
  id: string;
  region: string;
  year: number;
  policy_revision: number;
  status: RecalculationJob['status'];
  cursor: string;
  total: number | null;
  processed: number;
  changed: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

const toJob = (r: JobRow): RecalculationJob => ({
  id: r.id,
  region: r.region,
  year: r.year,
  policyRevision: r.policy_revision,
  status: r.status,
  cursor: r.cursor,
  total: r.total,
  processed: r.processed,
  changed: r.changed,
  createdAt: r.created_at.toISOString(),
  startedAt: r.started_at?.toISOString() ?? null,
  finishedAt: r.finished_at?.toISOString() ?? null,
});

/**
 * Works through pending recalculations in batches, one transaction per batch that locks the
 * job row, reads its cursor, recomputes and advances the cursor: a crash resumes at the last
 * committed batch, and several instances can share the work safely.
 */
export class RecalculationWorker {
  private running = false;
  private loop?: Promise<void>;
  private readonly waker = new Waker();

  constructor(private readonly options: RecalculationOptions) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.poke();
    await this.loop;
  }

  poke(): void {
    this.waker.poke();
  }

  async jobs(limit = 20): Promise<RecalculationJob[]> {
    const rows = await this.options.db.query<JobRow>('SELECT * FROM recalculations ORDER BY id DESC LIMIT $1', [limit]);
    return rows.map(toJob);
  }

  async open(): Promise<RecalculationJob[]> {
    const rows = await this.options.db.query<JobRow>("SELECT * FROM recalculations WHERE status IN ('PENDING', 'RUNNING') ORDER BY id");
    return rows.map(toJob);
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const worked = await this.step();
        if (!worked) await this.waker.wait(1000);
      } catch (error) {
        this.options.logger.warn({ err: error }, 'recalculation step failed; retrying');
        await this.waker.wait(1000);
      }
    }
  }

  /** One batch of the oldest open job. Returns false when there is nothing to do. */
  async step(): Promise<boolean> {
    const { db, logger } = this.options;
    const [next] = await db.query<JobRow>("SELECT * FROM recalculations WHERE status IN ('PENDING', 'RUNNING') ORDER BY id LIMIT 1");
    if (!next) return false;
    if (next.total === null) {
      const total = await this.options.countPersonYears(next.region, next.year);
      await db.query(
        "UPDATE recalculations SET total = $2, status = 'RUNNING', started_at = coalesce(started_at, now()) WHERE id = $1 AND total IS NULL",
        [next.id, total],
      );
    }
    const batchSize = this.options.batchSize ?? 500;
    const finished = await db.transaction(async (tx) => {
      // a batch decides hundreds of person-years in one transaction: beyond the pool's per-statement limits
      await allowLongTransaction(tx, BATCH_TIMEOUT_MS);
      const [row] = await tx.query<JobRow>('SELECT * FROM recalculations WHERE id = $1 FOR UPDATE', [next.id]);
      if (!row || (row.status !== 'PENDING' && row.status !== 'RUNNING')) return true;
      // A newer revision of the same region-year recomputes everything again: this one can stop.
      const [newer] = await tx.query<{ id: string }>(
        "SELECT id FROM recalculations WHERE region = $1 AND year = $2 AND id > $3 AND status IN ('PENDING', 'RUNNING') LIMIT 1",
        [row.region, row.year, row.id],
      );
      if (newer) {
        await tx.execute("UPDATE recalculations SET status = 'SUPERSEDED', finished_at = now() WHERE id = $1", [row.id]);
        return true;
      }
      const job = toJob(row);
      const { last, count, changed } = await this.options.recomputeBatch(tx, job, batchSize);
      if (last === undefined || count < batchSize) {
        await tx.execute(
          "UPDATE recalculations SET status = 'DONE', processed = processed + $2, changed = changed + $3, cursor = coalesce($4, cursor), finished_at = now() WHERE id = $1",
          [row.id, count, changed, last ?? null],
        );
        return true;
      }
      await tx.execute(
        "UPDATE recalculations SET status = 'RUNNING', processed = processed + $2, changed = changed + $3, cursor = $4 WHERE id = $1",
        [row.id, count, changed, last],
      );
      return false;
    });
    this.options.afterBatch?.();
    if (finished)
      logger.info({ job: next.id, region: next.region, year: next.year, revision: next.policy_revision }, 'recalculation finished');
    return true;
  }
}
