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

/** 全自费: Σ of the items outside basic scope (丙类, and codes the catalogue does not list). */
export function outOfScope(claim: Pick<Claim, 'items'>): Decimal {
  return sum(claim.items.filter((i) => i.category === 'C').map((i) => i.amount));
}

/** The items outside basic scope by code, amounts summed, in code order: what 大病 may admit with its own catalogue. */
export function outOfScopeItems(claim: Pick<Claim, 'items'>): { code: string; amount: Decimal }[] {
  const byCode = new Map<string, Decimal>();
  for (const i of claim.items) if (i.category === 'C') byCode.set(i.code, (byCode.get(i.code) ?? ZERO).plus(i.amount));
  return [...byCode.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([code, amount]) => ({ code, amount }));
}

/** Codes of the claim's items the catalogue does not list, each once, in code order. */
export function notInCatalogue(claim: Pick<Claim, 'items'>): string[] {
  return [...new Set(claim.items.filter((i) => !i.inCatalogue).map((i) => i.code))].sort();
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
