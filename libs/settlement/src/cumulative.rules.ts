import { Band, Decimal, max, min, payThroughBands, round2, ZERO } from '@msb/money';

/** A threshold, progressive bands on the excess over it, and maybe a cap: how 大病 and assistance pay. */
export interface CumulativeTerms {
  threshold: Decimal;
  bands: readonly Band[];
  annualCap?: Decimal;
}

/** The annual entitlement on a cumulative base: round2(min(cap, bands(max(0, base − threshold)))). */
export function entitlementOn(base: Decimal, terms: CumulativeTerms): Decimal {
  const paid = payThroughBands(max(ZERO, base.minus(terms.threshold)), terms.bands);
  return round2(terms.annualCap === undefined ? paid : min(terms.annualCap, paid));
}

export interface CumulativeShare<T> {
  claim: T;
  /** Whether the claim adds to the base. */
  counted: boolean;
  /** The base after this claim. */
  base: Decimal;
  /** E(base after) − E(base before): exact differences of rounded entitlements. */
  share: Decimal;
}

/**
 * The year's entitlement shared out over its claims in order: claim k gets E(B_k) − E(B_{k−1}),
 * so the shares always add up exactly to the annual entitlement. `contribution` is what a
 * claim adds to the base, or undefined when it does not count.
 */
export function shareOut<T>(
  ordered: readonly T[],
  contribution: (claim: T) => Decimal | undefined,
  terms: CumulativeTerms,
): { base: Decimal; entitlement: Decimal; claims: CumulativeShare<T>[] } {
  let base = ZERO;
  let entitled = ZERO;
  const claims: CumulativeShare<T>[] = [];
  for (const claim of ordered) {
    const adds = contribution(claim);
    if (adds !== undefined) base = base.plus(adds);
    const next = adds !== undefined ? entitlementOn(base, terms) : entitled;
    claims.push({ claim, counted: adds !== undefined, base, share: next.minus(entitled) });
    entitled = next;
  }
  return { base, entitlement: entitled, claims };
}
