import type { AssistanceDecidedClaim, Category, CriticalIllnessDecidedClaim, ReasonCode } from '@msb/contracts';
import { money, print, ZERO } from '@msb/money';
import { decideAssistanceYear } from './assistance.rules';
import type { AssistancePolicy } from './domain.types';
import type { EligibilityInForce, PayerOutcome } from './payer.kernel';
import { PaidSoFar, paymentsFor } from './payments.rules';

/** Assistance's input from 大病: one revision of 大病's person-year decision, and the basic revision it was made on. */
export interface CriticalIllnessRevision {
  revision: number;
  basicRevision: number;
  claims: readonly CriticalIllnessDecidedClaim[];
}

/** What assistance decided for a person-year, and the basic, 大病 and eligibility revisions it decided on. */
export interface AssistanceDecisionSummary {
  basicRevision: number;
  criticalIllnessRevision: number;
  eligibilityRevision: number;
  category: Category | null;
  base: string;
  entitlement: string;
  claims: AssistanceDecidedClaim[];
}

/**
 * 医疗救助 for a person-year in wire shape, on what both insurances left (保险在先、救助在后):
 * the year's category, cumulative base and entitlement, each claim's share, and the payments
 * against what was paid before; adjustments carry `adjustmentReason`.
 */
export function decideAssistancePersonYear(
  policy: AssistancePolicy,
  criticalIllness: CriticalIllnessRevision,
  eligibility: EligibilityInForce,
  paid: Readonly<Record<string, PaidSoFar>>,
  adjustmentReason: ReasonCode,
): PayerOutcome<AssistanceDecisionSummary> {
  const live = criticalIllness.claims.filter((c) => c.status === 'LIVE');
  const year = decideAssistanceYear(
    policy,
    live.map((c) => ({
      claimId: c.claimId,
      version: c.version,
      serviceDate: c.serviceDate,
      visitType: c.visitType,
      compliantSelfPay: money(c.compliantSelfPay),
      criticalIllness: money(c.criticalIllness),
    })),
    eligibility.windows,
  );
  const byId = new Map(year.claims.map((c) => [c.claimId, c]));
  const claims = criticalIllness.claims.map((c): AssistanceDecidedClaim => ({
    claimId: c.claimId,
    version: c.version,
    status: c.status,
    eligible: byId.get(c.claimId)?.eligible ?? false,
    assistance: print(byId.get(c.claimId)?.assistance ?? ZERO),
  }));
  const payments = paymentsFor(
    criticalIllness.claims.map((c) => ({ claimId: c.claimId, version: c.version, amount: byId.get(c.claimId)?.assistance ?? ZERO })),
    paid,
    () => adjustmentReason,
  );
  return {
    summary: {
      basicRevision: criticalIllness.basicRevision,
      criticalIllnessRevision: criticalIllness.revision,
      eligibilityRevision: eligibility.revision,
      category: year.category,
      base: print(year.base),
      entitlement: print(year.entitlement),
      claims,
    },
    payments,
  };
}
