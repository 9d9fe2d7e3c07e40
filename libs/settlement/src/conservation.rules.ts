import type { Decimal } from '@msb/money';

export class ConservationViolation extends Error {
  constructor(
    readonly claimId: string,
    detail: string,
  ) {
    super(`conservation violated for claim ${claimId}: ${detail}`);
    this.name = 'ConservationViolation';
  }
}

export interface PaidClaim {
  claimId: string;
  total: Decimal;
  basic: Decimal;
  criticalIllness: Decimal;
  assistance: Decimal;
  selfPay: Decimal;
}

/** total = basic + 大病 + assistance + self-pay, every term ≥ 0. Throws otherwise. */
export function assertConservation(claim: PaidClaim): void {
  const problems = conservationProblems(claim);
  if (problems.length > 0) throw new ConservationViolation(claim.claimId, problems.join('; '));
}

export function conservationProblems(claim: PaidClaim): string[] {
  const problems: string[] = [];
  for (const key of ['total', 'basic', 'criticalIllness', 'assistance', 'selfPay'] as const) {
    if (claim[key].isNegative()) problems.push(`${key} is negative (${claim[key].toFixed(2)})`);
  }
  const parts = claim.basic.plus(claim.criticalIllness).plus(claim.assistance).plus(claim.selfPay);
  if (!parts.eq(claim.total)) {
    problems.push(`basic + criticalIllness + assistance + selfPay = ${parts.toFixed(2)} ≠ total ${claim.total.toFixed(2)}`);
  }
  return problems;
}
