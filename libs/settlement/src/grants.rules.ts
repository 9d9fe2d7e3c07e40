import type { Category, Grant, IsoDate } from './domain.types';

/** A grant covers a date when it is not revoked and validFrom ≤ date ≤ validTo (validTo open when absent). */
export function covers(grant: Grant, date: IsoDate): boolean {
  return !grant.revoked && grant.validFrom <= date && (grant.validTo === undefined || date <= grant.validTo);
}

/** The categories of the active grants that cover a date. */
export function categoriesAt(grants: readonly Grant[], date: IsoDate): Set<Category> {
  const found = new Set<Category>();
  for (const grant of grants) if (covers(grant, date)) found.add(grant.category);
  return found;
}
