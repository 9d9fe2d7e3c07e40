import { z } from 'zod';
import { category } from './domain-values.schema';
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

export const revocationSchema = z.strictObject({
  reason: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(500, 'must be at most 500 characters').optional(),
});
export type RevocationDto = z.infer<typeof revocationSchema>;

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
