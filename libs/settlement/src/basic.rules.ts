import { Decimal, ZERO, max, min, round2 } from '@msb/money';
import { claimTotal, inOrder, notInCatalogue, outOfScope, outOfScopeItems, policyScope } from './claim-figures.rules';
import type { BasicPolicy, Claim, DeductibleAndRate, IsoDate, LevelTable, VisitType } from './domain.types';

/** What basic insurance decides for one claim, and the figures the next payers build on. */
export interface BasicClaimResult {
  claimId: string;
  version: number;
  serviceDate: IsoDate;
  visitType: VisitType;
  total: Decimal;
  hospitalId: string;
  policyScope: Decimal;
  /** 全自费: Σ of the items outside basic scope. */
  outOfScope: Decimal;
  /** The same by code: 大病 admits some of them with its own catalogue. */
  outOfScopeItems: { code: string; amount: Decimal }[];
  notInCatalogue: string[];
  deductible: Decimal;
  /** The part of the policy scope under the deductible: min(deductible, policyScope). */
  deductiblePaid: Decimal;
  rate: Decimal;
  basic: Decimal;
  /** policyScope − basic: the in-scope self-pay 大病 builds its base from (adding what its catalogue admits). */
  compliantSelfPay: Decimal;
}

export interface BasicYearResult {
  claims: BasicClaimResult[];
  basic: Decimal;
  outpatientBasic: Decimal;
}

function table(policy: BasicPolicy, visitType: VisitType): LevelTable {
  switch (visitType) {
    case 'INPATIENT':
      return policy.inpatient;
    case 'OUTPATIENT_CHRONIC':
      return policy.outpatientChronic;
    case 'OUTPATIENT':
      return policy.outpatient;
    default: {
      const unknown: never = visitType;
      throw new Error(`unknown visit type ${String(unknown)}`);
    }
  }
}

function deductibleAndRate(policy: BasicPolicy, claim: Claim, admissionIndex: number): DeductibleAndRate {
  const params = table(policy, claim.visitType)[claim.hospital.level];
  const cut = claim.hospital.inRegion ? ZERO : (policy.offRegionRateCut ?? ZERO);
  const rate = max(ZERO, params.rate.minus(cut));
  const factor = policy.repeatAdmissionDeductibleFactor;
  const deductible =
    claim.visitType === 'INPATIENT' && admissionIndex >= 2 && factor !== undefined ? params.deductible.times(factor) : params.deductible;
  return { deductible, rate };
}

/**
 * Basic insurance for a person-year: the live claims (latest version, not reversed)
 * in (serviceDate, claimId) order, each paying
 * min(round2(max(0, scope − deductible) × rate), what is left of the annual cap,
 * and for OUTPATIENT what is left of the outpatient cap).
 */
export function decideBasicYear(policy: BasicPolicy, liveClaims: readonly Claim[]): BasicYearResult {
  let used = ZERO;
  let outpatientUsed = ZERO;
  let admissions = 0;
  const results: BasicClaimResult[] = [];
  for (const claim of inOrder(liveClaims)) {
    if (claim.visitType === 'INPATIENT') admissions += 1;
    const { deductible, rate } = deductibleAndRate(policy, claim, admissions);
    const scope = policyScope(claim, policy);
    let basic = round2(max(ZERO, scope.minus(deductible)).times(rate));
    basic = min(basic, max(ZERO, policy.annualCap.minus(used)));
    if (claim.visitType === 'OUTPATIENT' && policy.outpatientAnnualCap !== undefined) {
      basic = min(basic, max(ZERO, policy.outpatientAnnualCap.minus(outpatientUsed)));
    }
    used = used.plus(basic);
    if (claim.visitType === 'OUTPATIENT') outpatientUsed = outpatientUsed.plus(basic);
    results.push({
      claimId: claim.claimId,
      version: claim.version,
      serviceDate: claim.serviceDate,
      visitType: claim.visitType,
      total: claimTotal(claim),
      hospitalId: claim.hospital.id,
      policyScope: scope,
      outOfScope: outOfScope(claim),
      outOfScopeItems: outOfScopeItems(claim),
      notInCatalogue: notInCatalogue(claim),
      deductible,
      deductiblePaid: min(deductible, scope),
      rate,
      basic,
      compliantSelfPay: scope.minus(basic),
    });
  }
  return { claims: results, basic: used, outpatientBasic: outpatientUsed };
}
