import type { Category, EligibilitySpan, IsoDate } from './domain.types';

/** A span covers a date when validFrom ≤ date ≤ validTo (validTo open when absent), unless it is a revoked grant. */
export function covers(span: EligibilitySpan, date: IsoDate): boolean {
  if ('revoked' in span && span.revoked) return false;
  return span.validFrom <= date && (span.validTo === undefined || date <= span.validTo);
}

/** The categories of the spans in force that cover a date. */
export function categoriesAt(spans: readonly EligibilitySpan[], date: IsoDate): Set<Category> {
  const found = new Set<Category>();
  for (const span of spans) if (covers(span, date)) found.add(span.category);
  return found;
}
