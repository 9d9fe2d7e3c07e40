import { Band, Decimal, ONE, min } from '@msb/money';
import { entitlementOn, shareOut } from './cumulative.rules';
import { inOrder } from './claim-figures.rules';
import { categoriesAt } from './grants.rules';
import type { CriticalIllnessPolicy, EligibilitySpan, IsoDate, VisitType } from './domain.types';

/** What 大病 needs of each claim: basic's figures, never the raw bill. */
export interface CriticalIllnessInput {
  claimId: string;
  version: number;
  serviceDate: IsoDate;
  visitType: VisitType;
  compliantSelfPay: Decimal;
}

export interface CriticalIllnessClaimResult {
  claimId: string;
  version: number;
  /** Whether the claim's visit type counts towards the 大病 base. */
  counted: boolean;
  /** B after this claim. */
  base: Decimal;
  criticalIllness: Decimal;
}

export interface CriticalIllnessYearResult {
  base: Decimal;
  threshold: Decimal;
  tilted: boolean;
  entitlement: Decimal;
  claims: CriticalIllnessClaimResult[];
}

export interface EffectiveCriticalIllnessTerms {
  threshold: Decimal;
  bands: Band[];
  annualCap?: Decimal;
  tilted: boolean;
}

/**
 * 倾斜支付 (seed 004 §3): when any live claim of the year falls inside a grant in force (or a
 * window) of a tilt category, the whole year has a lower threshold, higher rates (≤ 1) and maybe no cap.
 */
export function effectiveTerms(
  policy: CriticalIllnessPolicy,
  claims: readonly { serviceDate: IsoDate }[],
  grants: readonly EligibilitySpan[],
): EffectiveCriticalIllnessTerms {
  const tilt = policy.tilt;
  const tilted =
    tilt !== undefined && claims.some((c) => [...categoriesAt(grants, c.serviceDate)].some((cat) => tilt.categories.includes(cat)));
  if (!tilted || tilt === undefined) {
    return { threshold: policy.threshold, bands: policy.bands, annualCap: policy.annualCap, tilted: false };
  }
  return {
    threshold: policy.threshold.times(tilt.thresholdFactor),
    bands: policy.bands.map((b) => ({ ...b, rate: min(ONE, b.rate.plus(tilt.rateBonus)) })),
    annualCap: tilt.noCap ? undefined : policy.annualCap,
    tilted: true,
  };
}

/** E(B) = round2(min(cap, bands(max(0, B − threshold)))). */
export function criticalIllnessEntitlement(base: Decimal, terms: EffectiveCriticalIllnessTerms): Decimal {
  return entitlementOn(base, terms);
}

/**
 * 大病保险 for a person-year: a cumulative base over the counted visit types; claim k
 * gets E(B_k) − E(B_{k−1}), so the claims always sum exactly to the annual entitlement.
 */
export function decideCriticalIllnessYear(
  policy: CriticalIllnessPolicy,
  liveClaims: readonly CriticalIllnessInput[],
  grants: readonly EligibilitySpan[],
): CriticalIllnessYearResult {
  const terms = effectiveTerms(policy, liveClaims, grants);
  const year = shareOut(inOrder(liveClaims), (c) => (policy.visitTypes.includes(c.visitType) ? c.compliantSelfPay : undefined), terms);
  const claims = year.claims.map(({ claim, counted, base, share }) => ({
    claimId: claim.claimId,
    version: claim.version,
    counted,
    base,
    criticalIllness: share,
  }));
  return { base: year.base, threshold: terms.threshold, tilted: terms.tilted, entitlement: year.entitlement, claims };
}
