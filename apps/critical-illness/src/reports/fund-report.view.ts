import { Inject, Injectable } from '@nestjs/common';
import { money, print } from '@msb/money';
import { fundPayments, paymentsAfter, RUNTIME, ServiceRuntime } from '@msb/platform';
import { fundAccount } from '@msb/settlement';
import { CriticalIllnessContracts } from '../funds/fund-contract.store';
import { FundSettlements } from '../funds/fund-settlement.store';

/**
 * The 大病 fund's account for a region-year (单独核算, seed 001/003), from the payment record, the
 * contract and the latest year-end settlement: what the insurer paid, to how many people and
 * claims, how much of it came from later adjustments; the account as of now (premium, claims
 * paid, operating cost, result, profit rate, allowed profit; null without a contract); what the
 * latest settlement moved between the funds ("0.00" before one) and the payments recorded after
 * it (post-close adjustments, which the next settlement takes in).
 */
@Injectable()
export class FundReportView {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly contracts: CriticalIllnessContracts,
    private readonly settlements: FundSettlements,
  ) {}

  async report(region: string, year: number) {
    const db = this.runtime.db;
    const { through: _through, ...payments } = await fundPayments(db, region, year);
    const contract = await this.contracts.latest(db, region, year);
    const latest = await this.settlements.latest(db, region, year);
    const account = contract && fundAccount(contract.terms, money(payments.paid));
    const shown = (field: 'premium' | 'operatingCost' | 'result' | 'allowedProfit') => (account ? print(account[field]) : null);
    return {
      region,
      year,
      ...payments,
      contractRevision: contract?.revision ?? null,
      premium: shown('premium'),
      // money paid: settlements and adjustments, as of now
      claimsPaid: payments.paid,
      operatingCost: shown('operatingCost'),
      result: shown('result'),
      profitRate: account?.profitRate?.toFixed(4) ?? null,
      allowedProfit: shown('allowedProfit'),
      settled: latest !== undefined,
      settlementRevision: latest?.settlement.revision ?? null,
      settledAt: latest?.settlement.settledAt ?? null,
      surplusReturned: latest?.settlement.surplusReturned ?? '0.00',
      basicLossShare: latest?.settlement.basicLossShare ?? '0.00',
      postCloseAdjustments: latest ? await paymentsAfter(db, region, year, latest.paymentsThrough) : { count: 0, amount: '0.00' },
    };
  }
}
