import { z } from 'zod';
import { required } from './primitives.schema';

export const VISIT_TYPES = ['INPATIENT', 'OUTPATIENT_CHRONIC', 'OUTPATIENT'] as const;
export type VisitTypeName = (typeof VISIT_TYPES)[number];
export const visitType = z.enum(VISIT_TYPES, { error: required(`must be one of ${VISIT_TYPES.join(', ')}`) });

/** 特困, 低保, 监测/建档立卡, 低保边缘/低收入, 因病致贫. */
export const CATEGORIES = ['EXTREME_POVERTY', 'MINIMUM_LIVING', 'POVERTY_MONITORED', 'LOW_INCOME', 'ILLNESS_POVERTY'] as const;
export type Category = (typeof CATEGORIES)[number];
export const category = z.enum(CATEGORIES, { error: required(`must be one of ${CATEGORIES.join(', ')}`) });

/** 甲类 / 乙类 / 丙类. */
export const ITEM_CATEGORIES = ['A', 'B', 'C'] as const;
export const itemCategory = z.enum(ITEM_CATEGORIES, { error: required('must be one of A, B, C') });

export const hospitalLevel = z.union([z.literal(1), z.literal(2), z.literal(3)], { error: required('must be 1, 2 or 3') });

/** Why a payer's amount for a claim changed. */
export const REASON_CODES = [
  'INITIAL',
  'LATE_CLAIM',
  'CORRECTION',
  'REVERSAL',
  'ELIGIBILITY_GRANTED',
  'ELIGIBILITY_REVOKED',
  'POLICY_REVISED',
  'UPSTREAM_ADJUSTED',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];
export const reasonCode = z.enum(REASON_CODES);

export const PAYERS = ['basic', 'criticalIllness', 'assistance'] as const;
export type Payer = (typeof PAYERS)[number];
export const payer = z.enum(PAYERS);
