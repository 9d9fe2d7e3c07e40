import type { BasicDecidedClaim, CriticalIllnessDecidedClaim, ReasonCode } from '@msb/contracts';
import { Decimal, money, print, ZERO } from '@msb/money';
import { admittedByCriticalIllness } from './catalogue.rules';
import { decideCriticalIllnessYear } from './critical-illness.rules';
import type { CriticalIllnessCatalogue, CriticalIllnessPolicy } from './domain.types';
import type { EligibilityInForce, PayerOutcome } from './payer.kernel';
import { PaidSoFar, paymentsFor } from './payments.rules';

/**
 * What 大病 needs of each claim basic decided: its version, status, date, visit type, compliant
 * self-pay, the items outside basic scope (for its own catalogue) and the hospital (for its
 * statements, 对账); not basic's other figures.
 */
export type CriticalIllnessBasis = Pick<
  BasicDecidedClaim,
  'claimId' | 'version' | 'status' | 'serviceDate' | 'visitType' | 'compliantSelfPay' | 'outOfScopeItems' | 'hospitalId'
>;

/** Only what 大病 needs of one of basic's decided claims (what 大病 records of basic's decision). */
export function criticalIllnessBasis(c: CriticalIllnessBasis): CriticalIllnessBasis {
  const { claimId, version, status, serviceDate, visitType, compliantSelfPay, outOfScopeItems, hospitalId } = c;
  return {
    claimId,
    version,
    status,
    serviceDate,
    visitType,
    compliantSelfPay,
    ...(outOfScopeItems === undefined || outOfScopeItems.length === 0 ? {} : { outOfScopeItems }),
    ...(hospitalId === undefined ? {} : { hospitalId }),
  };
}

/** ciExtra of one of basic's claims under 大病's catalogue: what it admits of the items outside basic scope. */
export function ciExtraOf(c: Pick<CriticalIllnessBasis, 'outOfScopeItems'>, covered: CriticalIllnessCatalogue): Decimal {
  return admittedByCriticalIllness(
    (c.outOfScopeItems ?? []).map((i) => ({ code: i.code, amount: money(i.amount) })),
    covered,
  );
}

/** 大病's input from basic: one revision of basic's person-year decision. */
export interface BasicRevision {
  revision: number;
  claims: readonly CriticalIllnessBasis[];
}

/** 大病's catalogue of the region-year in force (revision 0: none yet, which admits nothing). */
export interface CriticalIllnessCatalogueInForce {
  revision: number;
  covered: CriticalIllnessCatalogue;
}
export const NO_CATALOGUE: CriticalIllnessCatalogueInForce = { revision: 0, covered: new Set() };

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
  catalogue: CriticalIllnessCatalogueInForce = NO_CATALOGUE,
): PayerOutcome<CriticalIllnessDecisionSummary> {
  const live = basic.claims.filter((c) => c.status === 'LIVE');
  // 大病's base: basic's in-scope self-pay plus what 大病's catalogue admits beyond basic scope (ciExtra)
  const extras = new Map(live.map((c) => [c.claimId, ciExtraOf(c, catalogue.covered)]));
  const base = (c: CriticalIllnessBasis) => money(c.compliantSelfPay).plus(extras.get(c.claimId) ?? ZERO);
  const year = decideCriticalIllnessYear(
    policy,
    live.map((c) => ({
      claimId: c.claimId,
      version: c.version,
      serviceDate: c.serviceDate,
      visitType: c.visitType,
      compliantSelfPay: base(c),
    })),
    eligibility.windows,
  );
  const amounts = new Map(year.claims.map((c) => [c.claimId, c.criticalIllness]));
  const claims = basic.claims.map((c): CriticalIllnessDecidedClaim => {
    const extra = extras.get(c.claimId) ?? ZERO;
    return {
      claimId: c.claimId,
      version: c.version,
      status: c.status,
      serviceDate: c.serviceDate,
      visitType: c.visitType,
      compliantSelfPay: c.status === 'LIVE' ? print(base(c)) : '0.00',
      criticalIllness: print(amounts.get(c.claimId) ?? ZERO),
      ...(extra.isZero() ? {} : { ciExtra: print(extra) }),
      ...(c.hospitalId === undefined ? {} : { hospitalId: c.hospitalId }),
    };
  });
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
