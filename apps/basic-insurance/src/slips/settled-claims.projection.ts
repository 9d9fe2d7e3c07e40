import type { Tx } from '@msb/eventing';
import { afterCommit } from '@msb/eventing';
import { serviceMetrics } from '@msb/platform';
import { PERSON_YEAR_SETTLED_SQL } from './slip.view';

/**
 * The first time a claim's slip shows SETTLED (all three payers decided on its person-year's
 * latest basic revision, and the claim is live), `claims.settled_at` is set, once, in the
 * transaction that applied the deciding downstream decision. Then, after that transaction
 * commits, the claim is counted (`msb_claims_settled_total`) and the time from its acceptance
 * (`submitted_at`, written by the intake's transaction) to then is observed
 * (`msb_claim_settle_seconds`). Both times come from the database's clock, so it holds across
 * processes and replicas, and a retried or rolled-back transaction observes nothing.
 */
export async function recordSettledClaims(tx: Tx, streamIds: readonly string[]): Promise<void> {
  if (streamIds.length === 0) return;
  const settled = await tx.query<{ seconds: number }>(
    `UPDATE claims c SET settled_at = clock_timestamp()
     FROM slip_person_years p
     WHERE p.stream_id = ANY($1::text[]) AND c.stream_id = p.stream_id AND c.settled_at IS NULL AND c.status = 'LIVE'
       AND ${PERSON_YEAR_SETTLED_SQL}
     RETURNING extract(epoch FROM c.settled_at - c.submitted_at)::float8 AS seconds`,
    [[...new Set(streamIds)]],
  );
  if (settled.length === 0) return;
  afterCommit(tx, () => {
    serviceMetrics.claimsSettled.inc(settled.length);
    for (const { seconds } of settled) serviceMetrics.claimSettleSeconds.observe(Math.max(0, Number(seconds)));
  });
}

/** The channel on which a slip that reached SETTLED or REVERSED is announced (slip-settled.waiter.ts listens). */
export const SLIP_SETTLED_CHANNEL = 'slip_settled';

/** Stream ids per notification: each at most 100 characters, so a payload stays far below Postgres' 8000 bytes. */
const STREAMS_PER_NOTIFICATION = 60;

/**
 * Announce, in the transaction that applied the deciding downstream decision, every person-year
 * among `streamIds` whose slip now shows all three payers on its latest basic revision (its
 * claims SETTLED, or REVERSED once a reversal went through): the payload is their stream ids,
 * space-separated. Postgres delivers it at commit, to every listening connection of the
 * database (so to every replica), and never for a rolled-back transaction.
 */
export async function notifySettledSlips(tx: Tx, streamIds: readonly string[]): Promise<void> {
  if (streamIds.length === 0) return;
  await tx.query(
    `SELECT pg_notify($2, string_agg(stream_id, ' '))
     FROM (SELECT p.stream_id, (row_number() OVER (ORDER BY p.stream_id) - 1) / $3 AS chunk
           FROM slip_person_years p WHERE p.stream_id = ANY($1::text[]) AND ${PERSON_YEAR_SETTLED_SQL}) settled
     GROUP BY chunk`,
    [[...new Set(streamIds)], SLIP_SETTLED_CHANNEL, STREAMS_PER_NOTIFICATION],
  );
}
