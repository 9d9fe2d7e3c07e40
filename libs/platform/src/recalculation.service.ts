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
  /** This instance's name, recorded with each batch it recomputes. */
  instance?: string;
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
 * Works through pending recalculations in batches, one transaction per batch that claims the
 * job row, reads its cursor, recomputes, records the batch and advances the cursor: a crash
 * resumes at the last committed batch, and several instances share the work, never a batch.
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

  /**
   * One batch of the oldest open job that no other worker holds. The job's row lock, taken with
   * SKIP LOCKED in the batch's transaction, is the claim: one worker at a time recomputes a job,
   * a worker that finds every open job held waits for the next round, and a worker that dies
   * mid-batch takes its lock with it, so another resumes from the last committed cursor. Each
   * batch is recorded under (job, cursor it started from): the same stretch is never recomputed
   * twice for one job. Returns false when there was nothing to claim.
   */
  async step(): Promise<boolean> {
    const { db, logger } = this.options;
    const batchSize = this.options.batchSize ?? 500;
    const outcome = await db.transaction(async (tx) => {
      // a batch decides hundreds of person-years in one transaction: beyond the pool's per-statement limits
      await allowLongTransaction(tx, BATCH_TIMEOUT_MS);
      const [row] = await tx.query<JobRow>(
        "SELECT * FROM recalculations WHERE status IN ('PENDING', 'RUNNING') ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED",
      );
      if (!row) return undefined;
      // A newer revision of the same region-year recomputes everything again: this one can stop.
      const [newer] = await tx.query<{ id: string }>(
        "SELECT id FROM recalculations WHERE region = $1 AND year = $2 AND id > $3 AND status IN ('PENDING', 'RUNNING') LIMIT 1",
        [row.region, row.year, row.id],
      );
      if (newer) {
        await tx.execute("UPDATE recalculations SET status = 'SUPERSEDED', finished_at = now() WHERE id = $1", [row.id]);
        return { row, finished: true };
      }
      const total = row.total ?? (await this.options.countPersonYears(row.region, row.year));
      const job = toJob(row);
      const { last, count, changed } = await this.options.recomputeBatch(tx, job, batchSize);
      if (count > 0)
        await tx.execute(
          'INSERT INTO recalculation_batches (job_id, after_cursor, last_cursor, count, changed, instance) VALUES ($1, $2, $3, $4, $5, $6)',
          [row.id, row.cursor, last ?? row.cursor, count, changed, this.options.instance ?? 'unnamed'],
        );
      const finished = last === undefined || count < batchSize;
      await tx.execute(
        `UPDATE recalculations SET status = $2, total = $3, started_at = coalesce(started_at, now()), processed = processed + $4,
           changed = changed + $5, cursor = coalesce($6, cursor), finished_at = CASE WHEN $2 = 'DONE' THEN now() END WHERE id = $1`,
        [row.id, finished ? 'DONE' : 'RUNNING', total, count, changed, last ?? null],
      );
      return { row, finished };
    });
    if (!outcome) return false;
    this.options.afterBatch?.();
    const { row, finished } = outcome;
    if (finished) logger.info({ job: row.id, region: row.region, year: row.year, revision: row.policy_revision }, 'recalculation finished');
    return true;
  }
}
