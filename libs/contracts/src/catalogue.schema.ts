import { z } from 'zod';
import { hospitalLevel, itemCategory } from './domain-values.schema';
import { rate, regionCode, required } from './primitives.schema';

/** A catalogue code (医保目录编码): what a claim's item names. */
export const catalogueCode = z
  .string({ error: required('must be a string') })
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters');

/** Most entries one catalogue revision holds: it travels on the bus as one event. */
export const MAX_CATALOGUE_ENTRIES = 20_000;

/** One entry of the bureau's catalogue: 甲类 A, 乙类 B (with its 先行自付 ratio, else the policy's), 丙类 C. */
export const catalogueEntrySchema = z.strictObject({ category: itemCategory, selfPayRatio: rate.optional() }).superRefine((entry, ctx) => {
  if (entry.selfPayRatio !== undefined && entry.category !== 'B')
    ctx.addIssue({ code: 'custom', path: ['selfPayRatio'], message: 'applies only to category B items' });
});

/** The basic catalogue of a region-year (医保药品目录 / 诊疗项目 / 医用耗材), revisioned like a policy. */
export const basicCatalogueSchema = z.strictObject({
  items: z
    .record(catalogueCode, catalogueEntrySchema, { error: required('must be an object of catalogue codes') })
    .refine((items) => Object.keys(items).length <= MAX_CATALOGUE_ENTRIES, `must hold at most ${MAX_CATALOGUE_ENTRIES} entries`),
});
export type BasicCatalogueDto = z.infer<typeof basicCatalogueSchema>;

/** 大病's catalogue of a region-year: the codes outside basic scope that 大病 admits into its base (e.g. negotiated drugs, 谈判药). */
export const criticalIllnessCatalogueSchema = z.strictObject({
  covered: z
    .array(catalogueCode, { error: required('must be a list of catalogue codes') })
    .max(MAX_CATALOGUE_ENTRIES, `must list at most ${MAX_CATALOGUE_ENTRIES} codes`)
    .superRefine((codes, ctx) => {
      const seen = new Set<string>();
      codes.forEach((code, i) => {
        if (seen.has(code)) ctx.addIssue({ code: 'custom', path: [i], message: `lists ${code} twice` });
        seen.add(code);
      });
    }),
});
export type CriticalIllnessCatalogueDto = z.infer<typeof criticalIllnessCatalogueSchema>;

/** A designated hospital (定点医疗机构) in the bureau's registry: its level and region decide basic's rate. */
export const hospitalRecordSchema = z.strictObject({
  name: z
    .string({ error: required('must be a string') })
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters'),
  level: hospitalLevel,
  region: regionCode,
  designated: z.boolean({ error: required('must be true or false') }),
});
export type HospitalRecordDto = z.infer<typeof hospitalRecordSchema>;
