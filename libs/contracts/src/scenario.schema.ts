import { z } from 'zod';
import { basicCatalogueSchema, criticalIllnessCatalogueSchema, hospitalRecordSchema } from './catalogue.schema';
import { claimSchema } from './claim.schema';
import { category } from './domain-values.schema';
import { assistancePolicySchema, basicPolicySchema, criticalIllnessPolicySchema } from './policy.schema';

/** The golden scenario files (scenarios/*.json): steps in arrival order and the converged result. */
export const scenarioStepSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('putPolicy'),
    region: z.string(),
    year: z.number().int(),
    basic: basicPolicySchema.optional(),
    criticalIllness: criticalIllnessPolicySchema.optional(),
    assistance: assistancePolicySchema.optional(),
  }),
  /** The region-year's catalogues: `basic` to basic-insurance, `criticalIllness` to critical-illness. */
  z.object({
    op: z.literal('putCatalogue'),
    region: z.string(),
    year: z.number().int(),
    basic: basicCatalogueSchema.optional(),
    criticalIllness: criticalIllnessCatalogueSchema.optional(),
  }),
  z.object({ op: z.literal('putHospital'), hospitalId: z.string(), hospital: hospitalRecordSchema }),
  z.object({ op: z.literal('submitClaim'), claim: claimSchema }),
  z.object({ op: z.literal('correctClaim'), claim: claimSchema }),
  z.object({ op: z.literal('reverseClaim'), claimId: z.string(), reason: z.string().optional() }),
  z.object({
    op: z.literal('grantEligibility'),
    grantId: z.string(),
    personId: z.string(),
    category,
    validFrom: z.string(),
    validTo: z.string().optional(),
  }),
  z.object({ op: z.literal('revokeEligibility'), grantId: z.string(), reason: z.string().optional() }),
]);
export type ScenarioStep = z.infer<typeof scenarioStepSchema>;

export const expectedClaimSchema = z.object({
  status: z.enum(['SETTLED', 'REVERSED']),
  total: z.string().optional(),
  policyScope: z.string().optional(),
  basic: z.string(),
  criticalIllness: z.string(),
  assistance: z.string(),
  selfPay: z.string().optional(),
});
export type ExpectedClaim = z.infer<typeof expectedClaimSchema>;

export const expectedPersonYearSchema = z.object({
  basic: z.string(),
  criticalIllness: z.string(),
  assistance: z.string(),
  total: z.string(),
  selfPay: z.string(),
  tilted: z.boolean(),
  assistanceCategory: category.nullable(),
});
export type ExpectedPersonYear = z.infer<typeof expectedPersonYearSchema>;

export const scenarioSchema = z.object({
  name: z.string(),
  description: z.string(),
  steps: z.array(scenarioStepSchema),
  expected: z.object({
    claims: z.record(z.string(), expectedClaimSchema),
    personYears: z.record(z.string(), expectedPersonYearSchema),
  }),
});
export type Scenario = z.infer<typeof scenarioSchema>;
