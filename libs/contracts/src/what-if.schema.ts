import { z } from 'zod';
import { assistancePolicySchema, basicPolicySchema, criticalIllnessPolicySchema } from './policy.schema';
import { policyYear, regionCode } from './primitives.schema';

/**
 * A what-if (精准测算, seed 004 §6): drafts of a region-year's policy sections, each in exactly
 * the schema its payer's `PUT /policies/{region}/{year}` takes. A section left out is the one in
 * force. Nothing is stored or published: audit replays the region-year with the drafts.
 */
export const whatIfRequestSchema = z.strictObject({
  region: regionCode,
  year: policyYear,
  basic: basicPolicySchema.optional(),
  criticalIllness: criticalIllnessPolicySchema.optional(),
  assistance: assistancePolicySchema.optional(),
});
export type WhatIfRequestDto = z.infer<typeof whatIfRequestSchema>;

/** The sections of a what-if, each owned by one payer's agency. */
export const WHAT_IF_SECTIONS = ['basic', 'criticalIllness', 'assistance'] as const;
export type WhatIfSection = (typeof WHAT_IF_SECTIONS)[number];

/** A person-year's (or a region-year's) figures: what each payer pays and what is left to the patient, two-decimal strings. */
export interface WhatIfFiguresDto {
  basic: string;
  criticalIllness: string;
  assistance: string;
  selfPay: string;
}

/** Assistance of one category (救助对象类别): a person-year counts under the category its year has under each policy. */
export interface WhatIfCategoryDto {
  category: string;
  personYears: { current: number; draft: number };
  current: string;
  draft: string;
  delta: string;
}

/** One person-year's change; only the figures the caller's agency receives per person are shown. */
export interface WhatIfChangeDto {
  personId: string;
  current: Partial<WhatIfFiguresDto>;
  draft: Partial<WhatIfFiguresDto>;
  delta: Partial<WhatIfFiguresDto>;
}

export interface WhatIfAnswerDto {
  region: string;
  year: number;
  personYears: number;
  current: WhatIfFiguresDto;
  draft: WhatIfFiguresDto;
  delta: WhatIfFiguresDto;
  byCategory: WhatIfCategoryDto[];
  changedPersons: number;
  largestChanges: WhatIfChangeDto[];
  /** Person-years left out: a claim names a hospital whose registry record the log does not hold. */
  notReplayed: number;
  elapsedMs: number;
}
