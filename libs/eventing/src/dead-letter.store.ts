import type { AnyEnvelope } from '@msb/contracts';
import type { ConsumerRunner } from './consumer.runner';
import { classifyError, Database, Tx } from './database.client';

/** A dead letter as an operator sees it: where it came from and why, never the message itself. */
export interface DeadLetterSummary {
  id: string;
  consumer: string;
  topic: string;
  partition: number;
  offset: string;
  type: string | null;
  reason: string;
  detail: string;
  failedAt: string;
  retries: number;
  status: 'OPEN' | 'RESOLVED';
  /** The message is stored here, so it can be re-driven (rows recorded before that was kept are not). */
  retriable: boolean;
  lastRetryAt: string | null;
  lastRetryReason: string | null;
  resolvedAt: string | null;
}

export type RetryOutcome =
  | { id: string; outcome: 'RESOLVED'; applied: number }
  | { id: string; outcome: 'ALREADY_RESOLVED' }
  | { id: string; outcome: 'FAILED'; reason: string; detail: string }
  | { id: string; outcome: 'NOT_RETRIABLE'; detail: string };

interface Row {
  id: string;
  consumer: string;
  topic: string;
  partition: number;
  offset: string;
  message_type: string | null;
  reason: string;
  detail: string;
  recorded_at: Date;
  retries: number;
  status: 'OPEN' | 'RESOLVED';
  retriable: boolean;
  last_retry_at: Date | null;
  last_retry_reason: string | null;
  resolved_at: Date | null;
}

const COLUMNS = `id, consumer, topic, partition, "offset", message_type, reason, detail, recorded_at, retries, status,
  message_value IS NOT NULL AS retriable, last_retry_at, last_retry_reason, resolved_at`;

const summary = (r: Row): DeadLetterSummary => ({
  id: String(r.id),
  consumer: r.consumer,
  topic: r.topic,
  partition: r.partition,
  offset: String(r.offset),
  type: r.message_type,
  reason: r.reason,
  detail: r.detail,
  failedAt: r.recorded_at.toISOString(),
  retries: r.retries,
  status: r.status,
  retriable: r.retriable,
  lastRetryAt: r.last_retry_at?.toISOString() ?? null,
  lastRetryReason: r.last_retry_reason,
  resolvedAt: r.resolved_at?.toISOString() ?? null,
});

/** The service's dead letters, newest first; `topics`: only those consumed from these (full names). */
export async function listDeadLetters(
  db: Database,
  filter: { topics?: string[]; status?: 'OPEN' | 'RESOLVED'; limit?: number } = {},
): Promise<DeadLetterSummary[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM dead_letters
     WHERE ($1::text[] IS NULL OR topic = ANY($1::text[])) AND ($2::text IS NULL OR status = $2)
     ORDER BY id DESC LIMIT $3`,
    [filter.topics ?? null, filter.status ?? null, filter.limit ?? 500],
  );
  return rows.map(summary);
}

export async function getDeadLetter(db: Database, id: string): Promise<DeadLetterSummary | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const [row] = await db.query<Row>(`SELECT ${COLUMNS} FROM dead_letters WHERE id = $1`, [id]);
  return row && summary(row);
}

/** Which consumer re-drives a dead letter: the runner of its group that consumes its topic. */
export type RunnerFor = (consumer: string, topic: string) => ConsumerRunner | undefined;

/**
 * Re-drive one dead letter: its stored message through its consumer's normal path, in one
 * transaction with the dead letter's row locked (two retries at once apply it once). Success
 * marks it RESOLVED (kept, for audit); a failure of the message records the attempt and its
 * reason and leaves it OPEN; a temporary failure (the database) is thrown, recording nothing.
 * A RESOLVED dead letter is not run again. Undefined: no such dead letter.
 */
export async function retryDeadLetter(db: Database, id: string, runnerFor: RunnerFor): Promise<RetryOutcome | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  let handled: AnyEnvelope[] = [];
  let runner: ConsumerRunner | undefined;
  try {
    const outcome = await db.transaction(async (tx): Promise<RetryOutcome | undefined> => {
      const [row] = await tx.query<{
        consumer: string;
        topic: string;
        partition: number;
        offset: string;
        reason: string;
        status: string;
        message_key: Buffer | null;
        message_value: Buffer | null;
        message_headers: Record<string, string> | null;
      }>(
        `SELECT consumer, topic, partition, "offset", reason, status, message_key, message_value, message_headers
         FROM dead_letters WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!row) return undefined;
      if (row.status === 'RESOLVED') return { id, outcome: 'ALREADY_RESOLVED' };
      if (row.message_value === null) {
        return { id, outcome: 'NOT_RETRIABLE', detail: 'recorded without its message; re-drive it from its dead-letter topic' };
      }
      runner = runnerFor(row.consumer, row.topic);
      if (!runner) return { id, outcome: 'NOT_RETRIABLE', detail: `no consumer ${row.consumer} of ${row.topic} runs in this service` };
      const result = await runner.redrive(tx, {
        topic: row.topic,
        partition: row.partition,
        offset: String(row.offset),
        reason: row.reason,
        key: row.message_key,
        value: row.message_value,
        headers: row.message_headers ?? {},
      });
      if (result.failure) {
        await recordAttempt(db, id, result.failure.reason, result.failure.detail, tx);
        return { id, outcome: 'FAILED', ...result.failure };
      }
      await tx.execute(
        `UPDATE dead_letters SET status = 'RESOLVED', resolved_at = now(), retries = retries + 1, last_retry_at = now(),
           last_retry_reason = NULL, last_retry_detail = NULL
         WHERE id = $1`,
        [id],
      );
      handled = result.handled;
      return { id, outcome: 'RESOLVED', applied: handled.length };
    });
    if (outcome?.outcome === 'RESOLVED') runner?.afterRedrive(handled);
    return outcome;
  } catch (error) {
    const c = classifyError(error);
    if (c.temporary) throw error;
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    await recordAttempt(db, id, 'PROCESSING_FAILED', detail);
    return { id, outcome: 'FAILED', reason: 'PROCESSING_FAILED', detail: detail.slice(0, 4000) };
  }
}

async function recordAttempt(db: Database, id: string, reason: string, detail: string, tx?: Tx): Promise<void> {
  const sql = `UPDATE dead_letters SET retries = retries + 1, last_retry_at = now(), last_retry_reason = $2, last_retry_detail = $3
               WHERE id = $1 AND status = 'OPEN'`;
  const params = [id, reason, detail.slice(0, 4000)];
  if (tx) await tx.execute(sql, params);
  else await db.query(sql, params);
}

/** The OPEN, re-drivable dead letters of some topics (full names), oldest first. */
export async function openDeadLetterIds(db: Database, topics: string[]): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT id FROM dead_letters WHERE status = 'OPEN' AND message_value IS NOT NULL AND topic = ANY($1::text[]) ORDER BY id`,
    [topics],
  );
  return rows.map((r) => String(r.id));
}
