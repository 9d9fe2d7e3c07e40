import { z } from 'zod';
import { CATEGORIES, VISIT_TYPES, category, visitType } from './domain-values.schema';
import { amount, factor, rate } from './primitives.schema';

const deductibleAndRate = z.strictObject({ deductible: amount, rate });
const levelTable = z.strictObject({ '1': deductibleAndRate, '2': deductibleAndRate, '3': deductibleAndRate });

/** The basic section of a region-year policy (医保局). */
export const basicPolicySchema = z.strictObject({
  annualCap: amount,
  outpatientAnnualCap: amount.optional(),
  offRegionRateCut: rate.optional(),
  repeatAdmissionDeductibleFactor: factor.optional(),
  classBSelfPayRatio: rate,
  inpatient: levelTable,
  outpatientChronic: levelTable,
  outpatient: levelTable,
});
export type BasicPolicyDto = z.infer<typeof basicPolicySchema>;

export const bandSchema = z.strictObject({ upTo: amount.optional(), rate });

function checkBands(bands: { upTo?: string; rate: string }[], ctx: z.RefinementCtx, path: (string | number)[]): void {
  let previous: number | undefined;
  bands.forEach((band, i) => {
    if (band.upTo === undefined && i !== bands.length - 1) {
      ctx.addIssue({ code: 'custom', path: [...path, i, 'upTo'], message: 'only the last band may leave upTo out' });
    }
    if (band.upTo !== undefined) {
      const upTo = Number(band.upTo);
      if (upTo <= 0) ctx.addIssue({ code: 'custom', path: [...path, i, 'upTo'], message: 'must be above 0' });
      if (previous !== undefined && upTo <= previous) {
        ctx.addIssue({ code: 'custom', path: [...path, i, 'upTo'], message: 'must be above the previous band' });
      }
      previous = upTo;
    }
  });
}

const bands = z
  .array(bandSchema, { error: 'must be a list of bands' })
  .min(1, 'must list at least one band')
  .max(20, 'must list at most 20 bands');
const visitTypes = z.array(visitType, { error: `must be a list of ${VISIT_TYPES.join(', ')}` }).min(1, 'must list at least one visit type');
const categories = z.array(category, { error: `must be a list of ${CATEGORIES.join(', ')}` });

function unique(values: string[], ctx: z.RefinementCtx, path: (string | number)[]): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) ctx.addIssue({ code: 'custom', path: [...path, i], message: `${v} is listed twice` });
    seen.add(v);
  });
}

/** The 大病 section (run by the insurer): threshold, progressive bands on the excess, cap, tilt. */
export const criticalIllnessPolicySchema = z
  .strictObject({
    threshold: amount,
    bands,
    annualCap: amount.optional(),
    visitTypes: visitTypes.optional(),
    tilt: z
      .strictObject({
        categories: categories.min(1, 'must list at least one category'),
        thresholdFactor: rate,
        rateBonus: rate,
        noCap: z.boolean({ error: 'must be true or false' }),
      })
      .optional(),
  })
  .superRefine((p, ctx) => {
    checkBands(p.bands, ctx, ['bands']);
    if (p.visitTypes) unique(p.visitTypes, ctx, ['visitTypes']);
    if (p.tilt) unique(p.tilt.categories, ctx, ['tilt', 'categories']);
  });
export type CriticalIllnessPolicyDto = z.infer<typeof criticalIllnessPolicySchema>;

const assistanceCategory = z.strictObject({ threshold: amount, bands, annualCap: amount.optional() });

/** The assistance section (civil affairs): category priority and per-category terms. */
export const assistancePolicySchema = z
  .strictObject({
    priority: categories,
    visitTypes: visitTypes.optional(),
    categories: z.partialRecord(category, assistanceCategory, { error: 'must map categories to their terms' }),
  })
  .superRefine((p, ctx) => {
    unique(p.priority, ctx, ['priority']);
    if (p.visitTypes) unique(p.visitTypes, ctx, ['visitTypes']);
    for (const [name, terms] of Object.entries(p.categories)) {
      if (terms) checkBands(terms.bands, ctx, ['categories', name, 'bands']);
      if (!p.priority.includes(name as (typeof CATEGORIES)[number])) {
        ctx.addIssue({ code: 'custom', path: ['priority'], message: `must rank category ${name}, which the policy defines` });
      }
    }
  });
export type AssistancePolicyDto = z.infer<typeof assistancePolicySchema>;
