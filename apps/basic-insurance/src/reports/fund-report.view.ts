import { Inject, Injectable } from '@nestjs/common';
import type { PolicyLossDto } from '@msb/contracts';
import { money, print } from '@msb/money';
import { fundPayments, RUNTIME, ServiceRuntime } from '@msb/platform';
import { basicFundNet } from '@msb/settlement';

/**
 * The basic fund's account of a region-year: what basic paid (first settlements and adjustments,
 * 补付 and 追回 by reason) from its payment record, and what the 大病 fund's latest year-end
 * settlement booked (critical-illness.FundSettled): the surplus returned and basic's share of a
 * policy loss. Sign convention of `net` (the basic fund's net cost): money the basic fund got back
 * reduces it, its loss share increases it: net = paid − surplusReturned + basicLossShare.
 */
@Injectable()
export class BasicFundReportView {
  constructor(@Inject(RUNTIME) private readonly runtime: ServiceRuntime) {}

  async report(region: string, year: number) {
    const db = this.runtime.db;
    const { through: _through, ...payments } = await fundPayments(db, region, year);
    const [booked] = await db.query<{
      revision: number;
      surplus_returned: string;
      basic_loss_share: string;
      policy_loss: PolicyLossDto | null;
      settled_at: Date;
    }>(
      `SELECT revision, surplus_returned::text, basic_loss_share::text, policy_loss, settled_at FROM ci_fund_settlements
       WHERE region = $1 AND year = $2 ORDER BY revision DESC LIMIT 1`,
      [region, year],
    );
    const surplusReturned = money(booked?.surplus_returned ?? '0');
    const basicLossShare = money(booked?.basic_loss_share ?? '0');
    return {
      region,
      year,
      ...payments,
      fromCriticalIllness: {
        surplusReturned: print(surplusReturned),
        basicLossShare: print(basicLossShare),
        settlementRevision: booked?.revision ?? null,
        settledAt: booked?.settled_at.toISOString() ?? null,
        policyLoss: booked?.policy_loss ?? null,
      },
      net: print(basicFundNet(money(payments.paid), surplusReturned, basicLossShare)),
    };
  }
}
