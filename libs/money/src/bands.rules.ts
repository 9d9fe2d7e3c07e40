import Decimal from 'decimal.js';
import { ZERO, max, min } from './money.value';

/**
 * A progressive band (分段): the part of the excess up to `upTo` (exclusive of the
 * previous band's upTo) is paid at `rate`. The last band has no upTo.
 * `upTo` is measured on the excess over the threshold, not on the gross amount.
 */
export interface Band {
  upTo?: Decimal;
  rate: Decimal;
}

/**
 * Pay an excess through progressive bands, like tax brackets. Not rounded: the
 * caller rounds once, at the point the rules name.
 */
export function payThroughBands(excess: Decimal, bands: readonly Band[]): Decimal {
  let paid = ZERO;
  let lower = ZERO;
  for (const band of bands) {
    if (excess.lte(lower)) break;
    const upper = band.upTo === undefined ? excess : min(excess, band.upTo);
    const slice = max(ZERO, upper.minus(lower));
    paid = paid.plus(slice.times(band.rate));
    if (band.upTo === undefined) break;
    lower = band.upTo;
  }
  return paid;
}

/**
 * Bands stated on the gross amount ("12k–30k pays 60%") converted to bands on the
 * excess over the threshold, as DOMAIN.md asks (see scenarios/progressive-bands.json).
 */
export function grossBandsToExcessBands(threshold: Decimal, gross: readonly Band[]): Band[] {
  return gross.map((band) => (band.upTo === undefined ? { rate: band.rate } : { upTo: band.upTo.minus(threshold), rate: band.rate }));
}

/** Bands are well formed when every upTo but the last is strictly increasing and only the last is open. */
export function bandProblems(bands: readonly Band[]): string[] {
  const problems: string[] = [];
  if (bands.length === 0) problems.push('at least one band is required');
  let previous: Decimal | undefined;
  bands.forEach((band, i) => {
    const last = i === bands.length - 1;
    if (band.upTo === undefined && !last) problems.push(`band ${i}: only the last band may omit upTo`);
    if (band.upTo !== undefined) {
      if (band.upTo.lte(0)) problems.push(`band ${i}: upTo must be positive`);
      if (previous !== undefined && band.upTo.lte(previous)) problems.push(`band ${i}: upTo must increase`);
      previous = band.upTo;
    }
    if (band.rate.lt(0) || band.rate.gt(1)) problems.push(`band ${i}: rate must be between 0 and 1`);
  });
  return problems;
}
