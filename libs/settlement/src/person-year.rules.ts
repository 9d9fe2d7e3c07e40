import { Decimal, ZERO, sum } from '@msb/money';
import { decideAssistanceYear } from './assistance.rules';
import { decideBasicYear } from './basic.rules';
import { decideCriticalIllnessYear } from './critical-illness.rules';
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

/**
 * The three payers in their legal order (保险在先、救助在后) over one person-year's facts:
 * live claims (latest versions, reversals removed) and the person's grants. This is the
 * reference the services' deciders, the audit replay and the tests all agree with. A payer
 * without a policy pays nothing (it parks), and assistance never pays before 大病 has decided.
 */
export function settlePersonYear(
  policies: PoliciesInForce,
  liveClaims: readonly Claim[],
  grants: readonly EligibilitySpan[],
): SettledPersonYear {
  const basic = decideBasicYear(policies.basic, liveClaims);
  const covered = policies.criticalIllnessCatalogue ?? new Set<string>();
  // 大病's base adds what its catalogue admits beyond basic scope (ciExtra) to basic's in-scope self-pay
  const forCriticalIllness = basic.claims.map((c) => ({
    ...c,
    compliantSelfPay: c.compliantSelfPay.plus(admittedByCriticalIllness(c.outOfScopeItems, covered)),
  }));
  const ci = policies.criticalIllness && decideCriticalIllnessYear(policies.criticalIllness, forCriticalIllness, grants);
  const ciById = new Map(ci?.claims.map((c) => [c.claimId, c.criticalIllness]));
  const assistanceInput = forCriticalIllness.map((c) => ({ ...c, criticalIllness: ciById.get(c.claimId) ?? ZERO }));
  // 保险在先、救助在后: no 大病 decision, no assistance
  const assistance = ci && policies.assistance && decideAssistanceYear(policies.assistance, assistanceInput, grants);
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
