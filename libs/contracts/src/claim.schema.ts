import { z } from 'zod';
import { hospitalLevel, itemCategory, visitType } from './domain-values.schema';
import { amount, icd10, identifier, isoDate, rate, regionCode, required } from './primitives.schema';

export const claimItemSchema = z.strictObject({
  code: z
    .string({ error: required('must be a string') })
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters'),
  category: itemCategory,
  amount,
  selfPayRatio: rate.optional(),
  ciEligible: z.boolean({ error: required('must be true or false') }).optional(),
});

export const hospitalSchema = z.strictObject({
  id: identifier,
  level: hospitalLevel,
  inRegion: z.boolean({ error: required('must be true or false') }),
});

/** A claim as a hospital submits it (DOMAIN.md "A claim"). */
export const claimSchema = z
  .strictObject({
    claimId: identifier,
    personId: identifier,
    region: regionCode,
    hospital: hospitalSchema,
    visitType,
    admissionDate: isoDate.optional(),
    serviceDate: isoDate,
    diagnosis: z
      .array(icd10, { error: required('must be a list of ICD-10 codes') })
      .min(1, 'must list at least one diagnosis')
      .max(20, 'must list at most 20 diagnoses'),
    items: z
      .array(claimItemSchema, { error: required('must be a list of items') })
      .min(1, 'must list at least one item')
      .max(2000, 'must list at most 2000 items'),
  })
  .superRefine((claim, ctx) => {
    if (claim.visitType === 'INPATIENT' && claim.admissionDate === undefined) {
      ctx.addIssue({ code: 'custom', path: ['admissionDate'], message: 'is required for an INPATIENT claim' });
    }
    if (claim.admissionDate !== undefined && claim.serviceDate < claim.admissionDate) {
      ctx.addIssue({
        code: 'custom',
        path: ['serviceDate'],
        message: `discharge (${claim.serviceDate}) is before admission (${claim.admissionDate})`,
      });
    }
    claim.items.forEach((item, i) => {
      if (item.selfPayRatio !== undefined && item.category !== 'B') {
        ctx.addIssue({ code: 'custom', path: ['items', i, 'selfPayRatio'], message: 'applies only to category B items' });
      }
      if (item.ciEligible === true && item.category !== 'C') {
        ctx.addIssue({ code: 'custom', path: ['items', i, 'ciEligible'], message: 'applies only to category C items' });
      }
    });
  });
export type ClaimDto = z.infer<typeof claimSchema>;
export type ClaimItemDto = z.infer<typeof claimItemSchema>;

export const reversalSchema = z.strictObject({
  reason: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(500, 'must be at most 500 characters').optional(),
});
export type ReversalDto = z.infer<typeof reversalSchema>;
