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

/** The calendar day before a date (a date has no time zone): 2024-03-01 → 2024-02-29. */
export function dayBefore(date: IsoDate): IsoDate {
  const [y, m, d] = date.split('-').map(Number);
  const before = new Date(Date.UTC(y, m - 1, d - 1));
  return `${String(before.getUTCFullYear()).padStart(4, '0')}-${String(before.getUTCMonth() + 1).padStart(2, '0')}-${String(before.getUTCDate()).padStart(2, '0')}`;
}

/**
 * A revocation from a date (资格终止): the span's last day is the day before `effectiveFrom`, or
 * its own validTo when that is earlier (a revocation never lengthens a span). A span revoked from
 * its first day ends before it starts and covers nothing.
 */
export function lastDayBefore(span: Pick<EligibilitySpan, 'validTo'>, effectiveFrom: IsoDate): IsoDate {
  const last = dayBefore(effectiveFrom);
  return span.validTo !== undefined && span.validTo < last ? span.validTo : last;
}
