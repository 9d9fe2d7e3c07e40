import type { BasicDecidedClaim, CriticalIllnessDecidedClaim, ReasonCode } from '@msb/contracts';
import { money, print, ZERO } from '@msb/money';
import { decideCriticalIllnessYear } from './critical-illness.rules';
import type { CriticalIllnessPolicy } from './domain.types';
import type { EligibilityInForce, PayerOutcome } from './payer.kernel';
import { PaidSoFar, paymentsFor } from './payments.rules';

/** What 大病 needs of each claim basic decided: its version, status, date, visit type and compliant self-pay; not basic's other figures. */
export type CriticalIllnessBasis = Pick<
  BasicDecidedClaim,
  'claimId' | 'version' | 'status' | 'serviceDate' | 'visitType' | 'compliantSelfPay'
>;

/** Only what 大病 needs of one of basic's decided claims (what 大病 records of basic's decision). */
export function criticalIllnessBasis(c: CriticalIllnessBasis): CriticalIllnessBasis {
  const { claimId, version, status, serviceDate, visitType, compliantSelfPay } = c;
  return { claimId, version, status, serviceDate, visitType, compliantSelfPay };
}

/** 大病's input from basic: one revision of basic's person-year decision. */
export interface BasicRevision {
  revision: number;
  claims: readonly CriticalIllnessBasis[];
}

/** What 大病 decided for a person-year, and the basic and eligibility revisions it decided on. */
export interface CriticalIllnessDecisionSummary {
  basicRevision: number;
  eligibilityRevision: number;
  tilted: boolean;
  base: string;
  threshold: string;
  entitlement: string;
  claims: CriticalIllnessDecidedClaim[];
}

/**
 * 大病保险 for a person-year in wire shape, on basic's figures (never the raw bill) and the
 * person's eligibility windows (倾斜支付): the cumulative base, threshold, entitlement, each claim's share,
 * and the payments against what was paid before; adjustments carry `adjustmentReason`.
 */
export function decideCriticalIllnessPersonYear(
  policy: CriticalIllnessPolicy,
  basic: BasicRevision,
  eligibility: EligibilityInForce,
  paid: Readonly<Record<string, PaidSoFar>>,
  adjustmentReason: ReasonCode,
): PayerOutcome<CriticalIllnessDecisionSummary> {
  const live = basic.claims.filter((c) => c.status === 'LIVE');
  const year = decideCriticalIllnessYear(
    policy,
    live.map((c) => ({
      claimId: c.claimId,
      version: c.version,
      serviceDate: c.serviceDate,
      visitType: c.visitType,
      compliantSelfPay: money(c.compliantSelfPay),
    })),
    eligibility.windows,
  );
  const amounts = new Map(year.claims.map((c) => [c.claimId, c.criticalIllness]));
  const claims = basic.claims.map((c): CriticalIllnessDecidedClaim => ({
    claimId: c.claimId,
    version: c.version,
    status: c.status,
    serviceDate: c.serviceDate,
    visitType: c.visitType,
    compliantSelfPay: c.status === 'LIVE' ? c.compliantSelfPay : '0.00',
    criticalIllness: print(amounts.get(c.claimId) ?? ZERO),
  }));
  const payments = paymentsFor(
    basic.claims.map((c) => ({ claimId: c.claimId, version: c.version, amount: amounts.get(c.claimId) ?? ZERO })),
    paid,
    () => adjustmentReason,
  );
  return {
    summary: {
      basicRevision: basic.revision,
      eligibilityRevision: eligibility.revision,
      tilted: year.tilted,
      base: print(year.base),
      threshold: print(year.threshold),
      entitlement: print(year.entitlement),
      claims,
    },
    payments,
  };
}
