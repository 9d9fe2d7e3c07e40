import { Decimal, ZERO } from '@msb/money';
import { entitlementOn, shareOut } from './cumulative.rules';
import { inOrder } from './claim-figures.rules';
import { categoriesAt } from './grants.rules';
import type { AssistanceCategoryPolicy, AssistancePolicy, Category, EligibilitySpan, IsoDate, VisitType } from './domain.types';

/** What assistance needs of each claim: basic's compliant self-pay and 大病's payment. */
export interface AssistanceInput {
  claimId: string;
  version: number;
  serviceDate: IsoDate;
  visitType: VisitType;
  compliantSelfPay: Decimal;
  criticalIllness: Decimal;
}

export interface AssistanceClaimResult {
  claimId: string;
  version: number;
  eligible: boolean;
  /** R after this claim. */
  base: Decimal;
  assistance: Decimal;
}

export interface AssistanceYearResult {
  category: Category | null;
  base: Decimal;
  entitlement: Decimal;
  claims: AssistanceClaimResult[];
}

/** Categories of the grants (or windows) that make this claim eligible under this policy. */
function eligibleCategories(policy: AssistancePolicy, claim: AssistanceInput, grants: readonly EligibilitySpan[]): Category[] {
  if (!policy.visitTypes.includes(claim.visitType)) return [];
  return [...categoriesAt(grants, claim.serviceDate)].filter((c) => policy.categories[c] !== undefined);
}

function rank(policy: AssistancePolicy, category: Category): number {
  const i = policy.priority.indexOf(category);
  return i === -1 ? Number.MAX_SAFE_INTEGER : i;
}

/** The year's category: the highest in priority among the categories that made a claim eligible. */
export function yearCategory(
  policy: AssistancePolicy,
  claims: readonly AssistanceInput[],
  grants: readonly EligibilitySpan[],
): Category | null {
  let best: Category | null = null;
  for (const claim of claims) {
    for (const category of eligibleCategories(policy, claim, grants)) {
      if (
        best === null ||
        rank(policy, category) < rank(policy, best) ||
        (rank(policy, category) === rank(policy, best) && category < best)
      ) {
        best = category;
      }
    }
  }
  return best;
}

/** A(R) = round2(min(cap, bands(max(0, R − threshold)))). */
export function assistanceEntitlement(base: Decimal, terms: AssistanceCategoryPolicy): Decimal {
  return entitlementOn(base, terms);
}

/**
 * 医疗救助 for a person-year (seed 004 §6): the base is the cumulative remainder after
 * basic and 大病 of the eligible claims; claim k gets A(R_k) − A(R_{k−1}), i.e. the
 * cumulative entitlement minus the assistance already paid per visit.
 */
export function decideAssistanceYear(
  policy: AssistancePolicy,
  liveClaims: readonly AssistanceInput[],
  grants: readonly EligibilitySpan[],
): AssistanceYearResult {
  const ordered = inOrder(liveClaims);
  const category = yearCategory(policy, ordered, grants);
  const terms = category === null ? undefined : policy.categories[category];
  if (terms === undefined) {
    return {
      category,
      base: ZERO,
      entitlement: ZERO,
      claims: ordered.map((c) => ({ claimId: c.claimId, version: c.version, eligible: false, base: ZERO, assistance: ZERO })),
    };
  }
  const year = shareOut(
    ordered,
    (c) => (eligibleCategories(policy, c, grants).length > 0 ? c.compliantSelfPay.minus(c.criticalIllness) : undefined),
    terms,
  );
  const claims = year.claims.map(({ claim, counted, base, share }) => ({
    claimId: claim.claimId,
    version: claim.version,
    eligible: counted,
    base,
    assistance: share,
  }));
  return { category, base: year.base, entitlement: year.entitlement, claims };
}
