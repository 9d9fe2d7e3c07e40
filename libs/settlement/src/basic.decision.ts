import type { BasicDecidedClaim, ClaimDto, Payment, ReasonCode } from '@msb/contracts';
import { print, ZERO } from '@msb/money';
import { decideBasicYear } from './basic.rules';
import { byServiceDateThenId } from './claim-figures.rules';
import type { BasicPolicy, Claim } from './domain.types';
import type { PayerOutcome } from './payer.kernel';
import { PaidSoFar, paymentsFor } from './payments.rules';
import { claimFromWire } from './wire.mapping';

/** A claim as basic recorded it: its latest version, and whether it was reversed (冲销). */
export interface RecordedClaim {
  claim: ClaimDto;
  version: number;
  status: BasicDecidedClaim['status'];
}

/** What basic decided for a person-year: every claim's figures, reversed ones at zero, in (serviceDate, claimId) order. */
export interface BasicDecisionSummary {
  claims: BasicDecidedClaim[];
}

const NOTHING = '0.00';

/**
 * 基本医保 for a person-year in wire shape: the year decided on its live claims, each claim's
 * figures for the next payers (policy scope, compliant self-pay, what 大病 admits beyond it),
 * and the payments against what was paid before; adjustments carry `adjustmentReason`.
 * `parse` turns a recorded claim into the domain's (the audit replay passes a memo of it).
 */
export function decideBasicPersonYear(
  policy: BasicPolicy,
  claims: readonly RecordedClaim[],
  paid: Readonly<Record<string, PaidSoFar>>,
  adjustmentReason: ReasonCode,
  parse: (claim: ClaimDto, version: number) => Claim = claimFromWire,
): PayerOutcome<BasicDecisionSummary> {
  const live = claims.filter((r) => r.status === 'LIVE').map((r) => parse(r.claim, r.version));
  const year = decideBasicYear(policy, live);
  const byId = new Map(year.claims.map((c) => [c.claimId, c]));
  const decided = claims
    .map((r): BasicDecidedClaim => {
      const c = byId.get(r.claim.claimId);
      const figures = c
        ? {
            total: print(c.total),
            policyScope: print(c.policyScope),
            ciExtra: print(c.ciExtra),
            basic: print(c.basic),
            compliantSelfPay: print(c.compliantSelfPay),
          }
        : { total: NOTHING, policyScope: NOTHING, ciExtra: NOTHING, basic: NOTHING, compliantSelfPay: NOTHING };
      return {
        claimId: r.claim.claimId,
        version: r.version,
        status: c ? 'LIVE' : 'REVERSED',
        serviceDate: r.claim.serviceDate,
        visitType: r.claim.visitType,
        ...figures,
      };
    })
    .sort(byServiceDateThenId);
  const payments: Payment[] = paymentsFor(
    decided.map((d) => ({ claimId: d.claimId, version: d.version, amount: byId.get(d.claimId)?.basic ?? ZERO })),
    paid,
    () => adjustmentReason,
  );
  return { summary: { claims: decided }, payments };
}
