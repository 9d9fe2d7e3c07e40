import { Decimal, ZERO, sum } from '@msb/money';
import { decideAssistanceYear } from './assistance.rules';
import { BasicClaimResult, BasicYearResult, decideBasicYear } from './basic.rules';
import { CriticalIllnessYearResult, decideCriticalIllnessYear } from './critical-illness.rules';
import { assertConservation } from './conservation.rules';
import { admittedByCriticalIllness } from './catalogue.rules';
import type {
  AssistancePolicy,
  BasicPolicy,
  Category,
  Claim,
  CriticalIllnessCatalogue,
  CriticalIllnessPolicy,
  EligibilitySpan,
} from './domain.types';

export interface PersonYearPolicies {
  basic: BasicPolicy;
  criticalIllness: CriticalIllnessPolicy;
  assistance: AssistancePolicy;
  /** What 大病 admits beyond basic scope (absent: nothing). */
  criticalIllnessCatalogue?: CriticalIllnessCatalogue;
}

/**
 * The same where a downstream payer may have no policy yet: 大病 without one parks and pays
 * nothing, and so does assistance, which follows 大病's decision; assistance without one parks.
 */
export type PoliciesInForce = Omit<PersonYearPolicies, 'criticalIllness' | 'assistance'> &
  Partial<Pick<PersonYearPolicies, 'criticalIllness' | 'assistance'>>;

export interface SettledClaim {
  claimId: string;
  version: number;
  total: Decimal;
  policyScope: Decimal;
  basic: Decimal;
  criticalIllness: Decimal;
  assistance: Decimal;
  selfPay: Decimal;
}

export interface SettledPersonYear {
  claims: SettledClaim[];
  basic: Decimal;
  criticalIllness: Decimal;
  assistance: Decimal;
  total: Decimal;
  selfPay: Decimal;
  tilted: boolean;
  assistanceCategory: Category | null;
  criticalIllnessBase: Decimal;
  assistanceBase: Decimal;
}

/** Basic's year, and each claim's base for 大病: what depends on basic's policy and 大病's catalogue alone. */
export interface BasicStage {
  basic: BasicYearResult;
  /** Basic's claims with 大病's base: in-scope self-pay plus what 大病's catalogue admits beyond basic scope (ciExtra). */
  forCriticalIllness: (BasicClaimResult & { compliantSelfPay: Decimal })[];
}

/** The insurances' part of a year: basic's stage and 大病's year on it (none without a 大病 policy). */
export interface InsuranceStage extends BasicStage {
  criticalIllness: CriticalIllnessYearResult | undefined;
}

/** Stage 1 of settlePersonYear: basic's year on the live claims, and 大病's base of each claim. */
export function basicStage(
  policies: Pick<PoliciesInForce, 'basic' | 'criticalIllnessCatalogue'>,
  liveClaims: readonly Claim[],
): BasicStage {
  const basic = decideBasicYear(policies.basic, liveClaims);
  const covered = policies.criticalIllnessCatalogue ?? new Set<string>();
  // 大病's base adds what its catalogue admits beyond basic scope (ciExtra) to basic's in-scope self-pay
  const forCriticalIllness = basic.claims.map((c) => ({
    ...c,
    compliantSelfPay: c.compliantSelfPay.plus(admittedByCriticalIllness(c.outOfScopeItems, covered)),
  }));
  return { basic, forCriticalIllness };
}

/** Stage 2: 大病's year on basic's figures (a 大病 without a policy parks: no decision). */
export function criticalIllnessStage(
  stage: BasicStage,
  policy: CriticalIllnessPolicy | undefined,
  grants: readonly EligibilitySpan[],
): InsuranceStage {
  return { ...stage, criticalIllness: policy && decideCriticalIllnessYear(policy, stage.forCriticalIllness, grants) };
}

/** Stage 3: assistance on what both insurances left (保险在先、救助在后), and each claim settled, conservation asserted. */
export function assistanceStage(
  stage: InsuranceStage,
  policy: AssistancePolicy | undefined,
  grants: readonly EligibilitySpan[],
): SettledPersonYear {
  const { basic, forCriticalIllness, criticalIllness: ci } = stage;
  const ciById = new Map(ci?.claims.map((c) => [c.claimId, c.criticalIllness]));
  const assistanceInput = forCriticalIllness.map((c) => ({ ...c, criticalIllness: ciById.get(c.claimId) ?? ZERO }));
  // 保险在先、救助在后: no 大病 decision, no assistance
  const assistance = ci && policy && decideAssistanceYear(policy, assistanceInput, grants);
  const assistanceById = new Map(assistance?.claims.map((c) => [c.claimId, c.assistance]));

  const claims = basic.claims.map((b): SettledClaim => {
    const criticalIllness = ciById.get(b.claimId) ?? ZERO;
    const paidByAssistance = assistanceById.get(b.claimId) ?? ZERO;
    const selfPay = b.total.minus(b.basic).minus(criticalIllness).minus(paidByAssistance);
    const settled = {
      claimId: b.claimId,
      version: b.version,
      total: b.total,
      policyScope: b.policyScope,
      basic: b.basic,
      criticalIllness,
      assistance: paidByAssistance,
      selfPay,
    };
    assertConservation(settled);
    return settled;
  });

  return {
    claims,
    basic: basic.basic,
    criticalIllness: ci?.entitlement ?? ZERO,
    assistance: assistance?.entitlement ?? ZERO,
    total: sum(claims.map((c) => c.total)),
    selfPay: sum(claims.map((c) => c.selfPay)),
    tilted: ci?.tilted ?? false,
    assistanceCategory: assistance?.category ?? null,
    criticalIllnessBase: ci?.base ?? ZERO,
    assistanceBase: assistance?.base ?? ZERO,
  };
}

/**
 * The three payers in their legal order (保险在先、救助在后) over one person-year's facts:
 * live claims (latest versions, reversals removed) and the person's grants. This is the
 * reference the services' deciders, the audit replay and the tests all agree with. A payer
 * without a policy pays nothing (it parks), and assistance never pays before 大病 has decided.
 * In three stages, each on the one before, so that a caller comparing policies can settle again
 * only from the first stage whose policy differs.
 */
export function settlePersonYear(
  policies: PoliciesInForce,
  liveClaims: readonly Claim[],
  grants: readonly EligibilitySpan[],
): SettledPersonYear {
  return assistanceStage(
    criticalIllnessStage(basicStage(policies, liveClaims), policies.criticalIllness, grants),
    policies.assistance,
    grants,
  );
}
