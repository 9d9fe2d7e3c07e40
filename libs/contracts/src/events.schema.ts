import { z } from 'zod';
import { basicCatalogueSchema, criticalIllnessCatalogueSchema, hospitalRecordSchema } from './catalogue.schema';
import { claimSchema, claimSchemaV1, claimV1toV2, ClaimDtoV1 } from './claim.schema';
import { category, payer, reasonCode, visitType } from './domain-values.schema';
import { eligibilityWindows, eligibilityWindowSchema, grantSchema } from './eligibility.schema';
import { assistancePolicySchema, basicPolicySchema, criticalIllnessPolicySchema } from './policy.schema';
import { amount } from './primitives.schema';

/** A signed amount: adjustments may claw back (追回). */
export const signedAmount = z.string().regex(/^-?(0|[1-9]\d{0,11})\.\d{2}$/, 'must be a signed amount with two decimals');
const cents = z.string().regex(/^(0|[1-9]\d{0,11})\.\d{2}$/, 'must be an amount with two decimals');

export const personYearRefSchema = z.strictObject({
  region: z.string().min(1),
  personId: z.string().min(1),
  year: z.number().int(),
});
export type PersonYearRef = z.infer<typeof personYearRefSchema>;

/** What set a decision off; carried downstream so every adjustment names its root cause. */
export const causeSchema = z.strictObject({
  reason: reasonCode,
  claimId: z.string().optional(),
  grantId: z.string().optional(),
  policyRevision: z.number().int().optional(),
  /** A catalogue revision (basic's or 大病's) that set the decision off (reason POLICY_REVISED). */
  catalogueRevision: z.number().int().optional(),
  /** A hospital whose registry record changed (reason POLICY_REVISED). */
  hospitalId: z.string().optional(),
});
export type Cause = z.infer<typeof causeSchema>;

/**
 * One payment fact: the first decision on a claim (`settled`) or a later change
 * (`adjusted`, 补付 when positive, 追回 when negative). `paid` is the claim's total from
 * this payer after it.
 */
export const paymentSchema = z.strictObject({
  claimId: z.string(),
  version: z.number().int().min(1),
  kind: z.enum(['SETTLED', 'ADJUSTED']),
  amount: signedAmount,
  paid: cents,
  reason: reasonCode,
});
export type Payment = z.infer<typeof paymentSchema>;

const claimStatus = z.enum(['LIVE', 'REVERSED']);

export const basicDecidedClaimSchema = z.strictObject({
  claimId: z.string(),
  version: z.number().int().min(1),
  status: claimStatus,
  serviceDate: z.string(),
  visitType,
  total: cents,
  policyScope: cents,
  /** What basic's message admits for 大病 beyond scope: 0 since 大病 keeps its own catalogue (`outOfScopeItems`). */
  ciExtra: cents,
  basic: cents,
  /** policyScope − basic + ciExtra. */
  compliantSelfPay: cents,
  /** The hospital the claim came from. */
  hospitalId: z.string().optional(),
  /** Σ of the items outside basic scope (丙类 and codes not in the catalogue): 全自费. */
  outOfScope: cents.optional(),
  /** The deductible (起付线) this claim bore: min(deductible, policyScope). */
  deductiblePaid: cents.optional(),
  /** The items outside basic scope by code, amounts summed: what 大病 may admit with its own catalogue. */
  outOfScopeItems: z.array(z.strictObject({ code: z.string(), amount: cents })).optional(),
  /** Codes of the claim's items that the bureau's catalogue does not list (paid as 丙类, reason NOT_IN_CATALOGUE). */
  notInCatalogue: z.array(z.string()).optional(),
});
export type BasicDecidedClaim = z.infer<typeof basicDecidedClaimSchema>;

/**
 * A person-year decision, version 2 (docs/DATA-FLOWS.md): `claims` holds only the claims whose
 * figures changed since the payer's decision `previousRevision` of the person-year (0: the
 * first, which holds them all), `totals` the year's sums over every claim. A reader folds the
 * deltas in revision order (decision.delta.ts) and holds the person-year when one is missing.
 */
const deltaOf = <T extends z.ZodType>(totals: T) => ({
  previousRevision: z.number().int().min(0),
  totals,
});
const follows = (d: { revision: number; previousRevision: number }) => d.previousRevision < d.revision;
const FOLLOWS = { message: 'previousRevision must be lower than revision', path: ['previousRevision'] };

/** v1 (read only, upcast to v2): every claim of the year in every decision. */
export const basicPersonYearDecidedV1 = z.strictObject({
  personYear: personYearRefSchema,
  revision: z.number().int().min(1),
  policyRevision: z.number().int().min(1),
  /** The revision of the region-year's catalogue, and of the hospital registry, the decision was made on (absent before catalogues). */
  catalogueRevision: z.number().int().min(1).optional(),
  hospitalRegistryRevision: z.number().int().min(1).optional(),
  cause: causeSchema,
  claims: z.array(basicDecidedClaimSchema),
  payments: z.array(paymentSchema),
});
export type BasicPersonYearDecidedV1 = z.infer<typeof basicPersonYearDecidedV1>;

/** Basic's year over all its claims, reversed ones at zero. */
export const basicTotalsSchema = z.strictObject({
  claimCount: z.number().int().min(0),
  total: cents,
  policyScope: cents,
  ciExtra: cents,
  basic: cents,
  compliantSelfPay: cents,
});
export type BasicDecisionTotals = z.infer<typeof basicTotalsSchema>;

export const basicPersonYearDecidedV2 = basicPersonYearDecidedV1.extend(deltaOf(basicTotalsSchema)).refine(follows, FOLLOWS);
export type BasicPersonYearDecided = z.infer<typeof basicPersonYearDecidedV2>;

export const criticalIllnessDecidedClaimSchema = z.strictObject({
  claimId: z.string(),
  version: z.number().int().min(1),
  status: claimStatus,
  serviceDate: z.string(),
  visitType,
  /** Basic's compliant self-pay plus what 大病's catalogue admits beyond basic scope (`ciExtra`). */
  compliantSelfPay: cents,
  criticalIllness: cents,
  /** Σ of the claim's items outside basic scope that 大病's catalogue admits. */
  ciExtra: cents.optional(),
  /** The hospital the claim came from (as basic decided it): for the payers' statements (对账). */
  hospitalId: z.string().optional(),
});
export type CriticalIllnessDecidedClaim = z.infer<typeof criticalIllnessDecidedClaimSchema>;

/** v1 (read only, upcast to v2): every claim of the year in every decision. */
export const criticalIllnessPersonYearDecidedV1 = z.strictObject({
  personYear: personYearRefSchema,
  revision: z.number().int().min(1),
  basicRevision: z.number().int().min(1),
  eligibilityRevision: z.number().int().min(0),
  policyRevision: z.number().int().min(1),
  /** The revision of 大病's catalogue of the region-year the decision was made on (absent: none). */
  catalogueRevision: z.number().int().min(1).optional(),
  cause: causeSchema,
  tilted: z.boolean(),
  base: cents,
  threshold: cents,
  entitlement: cents,
  claims: z.array(criticalIllnessDecidedClaimSchema),
  payments: z.array(paymentSchema),
});
export type CriticalIllnessPersonYearDecidedV1 = z.infer<typeof criticalIllnessPersonYearDecidedV1>;

/** 大病's year over all its claims. */
export const criticalIllnessTotalsSchema = z.strictObject({
  claimCount: z.number().int().min(0),
  compliantSelfPay: cents,
  criticalIllness: cents,
});
export type CriticalIllnessDecisionTotals = z.infer<typeof criticalIllnessTotalsSchema>;

export const criticalIllnessPersonYearDecidedV2 = criticalIllnessPersonYearDecidedV1
  .extend(deltaOf(criticalIllnessTotalsSchema))
  .refine(follows, FOLLOWS);
export type CriticalIllnessPersonYearDecided = z.infer<typeof criticalIllnessPersonYearDecidedV2>;

export const assistanceDecidedClaimSchema = z.strictObject({
  claimId: z.string(),
  version: z.number().int().min(1),
  status: claimStatus,
  eligible: z.boolean(),
  assistance: cents,
});
export type AssistanceDecidedClaim = z.infer<typeof assistanceDecidedClaimSchema>;

/** v1 (read only, upcast to v2): every claim of the year in every decision. */
export const assistancePersonYearDecidedV1 = z.strictObject({
  personYear: personYearRefSchema,
  revision: z.number().int().min(1),
  basicRevision: z.number().int().min(1),
  criticalIllnessRevision: z.number().int().min(1),
  eligibilityRevision: z.number().int().min(0),
  policyRevision: z.number().int().min(1),
  cause: causeSchema,
  category: category.nullable(),
  base: cents,
  entitlement: cents,
  claims: z.array(assistanceDecidedClaimSchema),
  payments: z.array(paymentSchema),
});
export type AssistancePersonYearDecidedV1 = z.infer<typeof assistancePersonYearDecidedV1>;

/** Assistance's year over all its claims. */
export const assistanceTotalsSchema = z.strictObject({
  claimCount: z.number().int().min(0),
  assistance: cents,
});
export type AssistanceDecisionTotals = z.infer<typeof assistanceTotalsSchema>;

export const assistancePersonYearDecidedV2 = assistancePersonYearDecidedV1.extend(deltaOf(assistanceTotalsSchema)).refine(follows, FOLLOWS);
export type AssistancePersonYearDecided = z.infer<typeof assistancePersonYearDecidedV2>;

/** v1 (read only, upcast to v2): the claim as the hospital declared it, categories and all. */
export const claimSubmittedV1 = z.strictObject({ claim: claimSchemaV1, version: z.literal(1), year: z.number().int() });
export const claimCorrectedV1 = z.strictObject({ claim: claimSchemaV1, version: z.number().int().min(2), year: z.number().int() });
/** v2: the claim in the hospital's form, by catalogue code and hospital id. */
export const claimSubmittedV2 = z.strictObject({ claim: claimSchema, version: z.literal(1), year: z.number().int() });
export const claimCorrectedV2 = z.strictObject({ claim: claimSchema, version: z.number().int().min(2), year: z.number().int() });
export function claimEventV1toV2(data: unknown): unknown {
  const d = data as { claim: ClaimDtoV1 };
  return { ...d, claim: claimV1toV2(d.claim) };
}
export const claimReversedV1 = z.strictObject({
  claimId: z.string(),
  version: z.number().int().min(1),
  personYear: personYearRefSchema,
  reason: z.string(),
});

const policyRevised = <T extends z.ZodType>(policy: T) =>
  z.strictObject({ region: z.string(), year: z.number().int(), revision: z.number().int().min(1), policy });
export const basicPolicyRevisedV1 = policyRevised(basicPolicySchema);
export const criticalIllnessPolicyRevisedV1 = policyRevised(criticalIllnessPolicySchema);
export const assistancePolicyRevisedV1 = policyRevised(assistancePolicySchema);

/** A new revision of a region-year's catalogue (basic's, or 大病's), published whole. */
const catalogueRevised = <T extends z.ZodType>(catalogue: T) =>
  z.strictObject({ region: z.string(), year: z.number().int(), revision: z.number().int().min(1), catalogue });
export const basicCatalogueRevisedV1 = catalogueRevised(basicCatalogueSchema);
export const criticalIllnessCatalogueRevisedV1 = catalogueRevised(criticalIllnessCatalogueSchema);

/** A hospital's record in the registry, as of registry revision `revision` (one counter for the whole registry). */
export const hospitalRegisteredV1 = z.strictObject({
  hospitalId: z.string(),
  revision: z.number().int().min(1),
  hospital: hospitalRecordSchema,
});

/**
 * v1 (read only, upcast to v2): eligibility changes carried the person's whole set of grants,
 * revoked ones with their reasons and times. Still in old logs; nothing publishes it any more.
 */
export const eligibilityGrantedV1 = z.strictObject({
  personId: z.string(),
  grantId: z.string(),
  eligibilityRevision: z.number().int().min(1),
  grants: z.array(grantSchema),
});
export const eligibilityRevokedV1 = z.strictObject({
  personId: z.string(),
  grantId: z.string(),
  reason: z.string(),
  eligibilityRevision: z.number().int().min(1),
  grants: z.array(grantSchema),
});
export type EligibilityChangedV1 = z.infer<typeof eligibilityGrantedV1> & { reason?: string };

/**
 * v2: a person's eligibility at a revision, as 大病 needs it for the tilt: the windows of the
 * grants in force, whole, so a consumer only keeps the latest revision; and the opaque id of the
 * grant whose grant or revocation made this revision, which 大病's decision names as its cause
 * (so audit's claim history can point to civil affairs' record). Nothing else (docs/DATA-FLOWS.md).
 */
export const eligibilityChangedV2 = z.strictObject({
  personId: z.string(),
  eligibilityRevision: z.number().int().min(1),
  grantId: z.string(),
  windows: z.array(eligibilityWindowSchema),
});
export const eligibilityGrantedV2 = eligibilityChangedV2;
export const eligibilityRevokedV2 = eligibilityChangedV2;
export type EligibilityChanged = z.infer<typeof eligibilityChangedV2>;

/** v1 → v2: the grants in force become windows; revoked grants, reasons and times are dropped. */
export function eligibilityV1toV2(data: unknown): unknown {
  const v1 = eligibilityRevokedV1.partial({ reason: true }).safeParse(data);
  if (!v1.success) return data; // left for the v2 schema to refuse
  const { personId, eligibilityRevision, grantId, grants } = v1.data;
  return { personId, eligibilityRevision, grantId, windows: eligibilityWindows(grants) };
}

export { amount, payer };
