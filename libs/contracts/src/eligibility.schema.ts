import { z } from 'zod';
import { Category, category } from './domain-values.schema';
import { identifier, isoDate } from './primitives.schema';

/** A grant of civil affairs (救助对象认定): who, which category, from when, until when. */
export const grantRequestSchema = z
  .strictObject({
    grantId: identifier,
    personId: identifier,
    category,
    validFrom: isoDate,
    validTo: isoDate.optional(),
  })
  .superRefine((g, ctx) => {
    if (g.validTo !== undefined && g.validTo < g.validFrom) {
      ctx.addIssue({ code: 'custom', path: ['validTo'], message: `is before validFrom (${g.validFrom})` });
    }
  });
export type GrantRequestDto = z.infer<typeof grantRequestSchema>;

/**
 * A revocation (资格终止 / 撤销认定). With `effectiveFrom` the grant ends the day before (claims from
 * that date on lose eligibility, earlier ones keep it); without it the grant is void from its start
 * (a grant made in error or obtained by fraud).
 */
export const revocationSchema = z.strictObject({
  reason: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(500, 'must be at most 500 characters').optional(),
  effectiveFrom: isoDate.optional(),
});
export type RevocationDto = z.infer<typeof revocationSchema>;

/** An amendment of a live grant: a new validTo, a new category, or both (at least one). */
export const grantAmendmentSchema = z
  .strictObject({
    validTo: isoDate.optional(),
    category: category.optional(),
  })
  .superRefine((a, ctx) => {
    if (a.validTo === undefined && a.category === undefined)
      ctx.addIssue({ code: 'custom', path: [], message: 'must change validTo or category (at least one)' });
  });
export type GrantAmendmentDto = z.infer<typeof grantAmendmentSchema>;

export const grantSchema = z.object({
  grantId: z.string(),
  personId: z.string(),
  category,
  validFrom: z.string(),
  validTo: z.string().optional(),
  revoked: z.boolean(),
  revokedReason: z.string().optional(),
  grantedAt: z.string(),
  revokedAt: z.string().optional(),
});
export type GrantDto = z.infer<typeof grantSchema>;

/**
 * A span in which a person holds a category (救助对象类别): what 大病 needs of a grant for its
 * tilt (倾斜支付), and nothing else (PIPL art. 6): no grant id, no revocation, no reason, no operator.
 */
export const eligibilityWindowSchema = z.strictObject({
  category,
  validFrom: isoDate,
  validTo: isoDate.optional(),
});
export type EligibilityWindowDto = z.infer<typeof eligibilityWindowSchema>;

const laterEnd = (a?: string, b?: string) => (a === b ? 0 : a === undefined ? 1 : b === undefined ? -1 : a < b ? -1 : 1);

/**
 * The windows of a person's grants: one per grant in force (revoked grants are no window; a
 * grant revoked from a date is one up to the day before, as its validTo says),
 * without duplicates, ordered by validFrom, validTo (open last), category, so that they tell
 * nothing of the grants' ids, number or order beyond the spans themselves.
 */
export function eligibilityWindows(
  grants: readonly { category: Category; validFrom: string; validTo?: string; revoked: boolean }[],
): EligibilityWindowDto[] {
  const windows = new Map<string, EligibilityWindowDto>();
  for (const g of grants) {
    // a grant revoked from its first day ends before it starts: it covers no day, so it is no window
    if (g.revoked || (g.validTo !== undefined && g.validTo < g.validFrom)) continue;
    const window: EligibilityWindowDto = {
      category: g.category,
      validFrom: g.validFrom,
      ...(g.validTo !== undefined ? { validTo: g.validTo } : {}),
    };
    windows.set(`${g.category}|${g.validFrom}|${g.validTo ?? ''}`, window);
  }
  return [...windows.values()].sort(
    (a, b) =>
      (a.validFrom < b.validFrom ? -1 : a.validFrom > b.validFrom ? 1 : 0) ||
      laterEnd(a.validTo, b.validTo) ||
      (a.category < b.category ? -1 : a.category > b.category ? 1 : 0),
  );
}
