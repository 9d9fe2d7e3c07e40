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
