import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { FundSettled } from '@msb/contracts';
import { money, print } from '@msb/money';
import { fundPayments, Problem, RUNTIME, ServiceRuntime } from '@msb/platform';
import { fundAccount, fundClosing } from '@msb/settlement';
import { CriticalIllnessContracts } from './fund-contract.store';
import { FundSettlementRecord, FundSettlements, sameClose } from './fund-settlement.store';
import { SettleFundCommand } from './settle-fund.command';

export interface SettleFundResult {
  record: FundSettlementRecord;
  /** false: nothing changed since the latest revision, which is answered again. */
  created: boolean;
}

/**
 * The year-end settlement (年度清算) of a region-year's 大病 fund, in one transaction holding the
 * region-year's lock exclusively, so that the payment record is read at one cut: every decision
 * before it counted, every one after it a post-close adjustment. The account is the fund rules'
 * (premium, claims paid as of now, operating cost, result, allowed profit); a surplus beyond the
 * allowed profit returns to the basic fund, a declared policy loss is shared by the contract's
 * ratio. Each close with something changed is the next revision; a close with nothing changed
 * answers the latest one again (a repeated request changes nothing).
 */
@CommandHandler(SettleFundCommand)
export class SettleFundHandler implements ICommandHandler<SettleFundCommand, SettleFundResult> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly contracts: CriticalIllnessContracts,
    private readonly settlements: FundSettlements,
  ) {}

  async execute(c: SettleFundCommand): Promise<SettleFundResult> {
    const outcome = await this.runtime.db.transaction(async (tx): Promise<SettleFundResult> => {
      await this.contracts.lockExclusive(tx, c.region, c.year);
      const contract = await this.contracts.latest(tx, c.region, c.year);
      if (!contract)
        throw Problem.notPayable(
          `there is no 大病 contract for region ${c.region} in ${c.year}: PUT /contracts/${c.region}/${c.year} first`,
        );
      const payments = await fundPayments(tx, c.region, c.year);
      const account = fundAccount(contract.terms, money(payments.paid));
      const closing = fundClosing(account, contract.terms, c.policyLoss !== undefined);
      const latest = await this.settlements.latest(tx, c.region, c.year);
      const settlement: FundSettled = {
        region: c.region,
        year: c.year,
        revision: (latest?.settlement.revision ?? 0) + 1,
        contractRevision: contract.revision,
        premium: print(account.premium),
        claimsPaid: print(account.claimsPaid),
        operatingCost: print(account.operatingCost),
        result: print(account.result),
        allowedProfit: print(account.allowedProfit),
        surplusReturned: print(closing.surplusReturned),
        basicLossShare: print(closing.basicLossShare),
        policyLoss: c.policyLoss ?? null,
        settledAt: c.now.toISOString(),
      };
      const record = { settlement, paymentsThrough: payments.through };
      if (latest && sameClose(latest, record)) return { record: latest, created: false };
      await this.settlements.record(tx, record, c.correlationId);
      return { record, created: true };
    });
    if (outcome.created) this.runtime.relay.poke();
    return outcome;
  }
}
