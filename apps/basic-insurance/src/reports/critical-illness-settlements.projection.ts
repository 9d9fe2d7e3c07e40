import { Injectable } from '@nestjs/common';
import type { TypedEnvelope } from '@msb/contracts';
import type { Tx } from '@msb/eventing';

/**
 * Books the 大病 fund's year-end settlements into the basic fund's records (ci_fund_settlements),
 * one row per revision: the surplus returned to the basic fund (超额结余返还) and its share of a
 * declared policy loss (政策性亏损分摊). Idempotent: the consumer's inbox applies a message once,
 * and a revision already booked is left as it is; the fund report books the latest revision,
 * whatever order the revisions arrived in.
 */
@Injectable()
export class CriticalIllnessSettlementsProjection {
  async book(tx: Tx, e: TypedEnvelope<'critical-illness.FundSettled'>): Promise<void> {
    const s = e.data;
    await tx.execute(
      `INSERT INTO ci_fund_settlements (region, year, revision, surplus_returned, basic_loss_share, policy_loss, settled_at, event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (region, year, revision) DO NOTHING`,
      [s.region, s.year, s.revision, s.surplusReturned, s.basicLossShare, s.policyLoss && JSON.stringify(s.policyLoss), s.settledAt, e.id],
    );
  }
}
