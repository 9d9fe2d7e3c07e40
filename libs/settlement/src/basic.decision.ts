import type { BasicDecidedClaim, ClaimDto, Payment, ReasonCode } from '@msb/contracts';
import { print, ZERO } from '@msb/money';
import { decideBasicYear } from './basic.rules';
import { byServiceDateThenId } from './claim-figures.rules';
import type { BasicPolicy, Claim } from './domain.types';
import type { PayerOutcome } from './payer.kernel';
import { PaidSoFar, paymentsFor } from './payments.rules';

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
 * `resolve` classifies a recorded claim by the catalogue and the hospital registry in force
 * (resolveClaim; the audit replay passes a memo of it).
 */
export function decideBasicPersonYear(
  policy: BasicPolicy,
  claims: readonly RecordedClaim[],
  paid: Readonly<Record<string, PaidSoFar>>,
  adjustmentReason: ReasonCode,
  resolve: (claim: ClaimDto, version: number) => Claim,
): PayerOutcome<BasicDecisionSummary> {
  const live = claims.filter((r) => r.status === 'LIVE').map((r) => resolve(r.claim, r.version));
  const year = decideBasicYear(policy, live);
  const byId = new Map(year.claims.map((c) => [c.claimId, c]));
  const decided = claims
    .map((r): BasicDecidedClaim => {
      const c = byId.get(r.claim.claimId);
      // ciExtra is 0: 大病 admits what lies beyond basic scope with its own catalogue, from outOfScopeItems
      const figures = c
        ? {
            total: print(c.total),
            policyScope: print(c.policyScope),
            ciExtra: NOTHING,
            basic: print(c.basic),
            compliantSelfPay: print(c.compliantSelfPay),
            outOfScope: print(c.outOfScope),
            deductiblePaid: print(c.deductiblePaid),
            outOfScopeItems: c.outOfScopeItems.map((i) => ({ code: i.code, amount: print(i.amount) })),
            notInCatalogue: c.notInCatalogue,
          }
        : {
            total: NOTHING,
            policyScope: NOTHING,
            ciExtra: NOTHING,
            basic: NOTHING,
            compliantSelfPay: NOTHING,
            outOfScope: NOTHING,
            deductiblePaid: NOTHING,
            outOfScopeItems: [],
            notInCatalogue: [],
          };
      return {
        claimId: r.claim.claimId,
        version: r.version,
        status: c ? 'LIVE' : 'REVERSED',
        serviceDate: r.claim.serviceDate,
        visitType: r.claim.visitType,
        hospitalId: r.claim.hospital.id,
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
