import { byServiceDateThenId } from '@msb/contracts';
import { Decimal, ONE, ZERO, round2, sum } from '@msb/money';
import type { BasicPolicy, Claim, IsoDate } from './domain.types';

/** Σ of all item amounts. */
export function claimTotal(claim: Pick<Claim, 'items'>): Decimal {
  return sum(claim.items.map((i) => i.amount));
}

/**
 * 政策范围内费用: Σ A + Σ B × (1 − ratio), ratio = the item's selfPayRatio else the
 * policy's classBSelfPayRatio; rounded to cents here, as DOMAIN.md says.
 */
export function policyScope(claim: Pick<Claim, 'items'>, policy: Pick<BasicPolicy, 'classBSelfPayRatio'>): Decimal {
  let scope = ZERO;
  for (const item of claim.items) {
    if (item.category === 'A') scope = scope.plus(item.amount);
    else if (item.category === 'B') {
      const ratio = item.selfPayRatio ?? policy.classBSelfPayRatio;
      scope = scope.plus(item.amount.times(ONE.minus(ratio)));
    }
  }
  return round2(scope);
}

/** C items that 大病 admits although basic does not (seed 001's 20,000). */
export function ciExtra(claim: Pick<Claim, 'items'>): Decimal {
  return sum(claim.items.filter((i) => i.category === 'C' && i.ciEligible === true).map((i) => i.amount));
}

/** The claim's year is the calendar year of its serviceDate. */
export function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}

/** Claims of a person-year are ordered by (serviceDate, claimId): the order every decision lists them in. */
export { byServiceDateThenId };

export function inOrder<T extends { serviceDate: IsoDate; claimId: string }>(claims: readonly T[]): T[] {
  return [...claims].sort(byServiceDateThenId);
}
