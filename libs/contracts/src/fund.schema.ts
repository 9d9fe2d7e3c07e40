import { z } from 'zod';
import { signedAmount } from './events.schema';
import { amount, rate, reasonText, required } from './primitives.schema';

/**
 * The 大病 contract of a region-year (大病保险合同, seed 003 §五): what the basic fund pays the
 * insurer and how the year is closed. The seed's floors (funding ≥ 5%, profit ≤ 5%) are checked
 * by the fund rules (libs/settlement fund.rules.ts), beside these shapes, so that every problem is listed.
 */
export const fundContractSchema = z.strictObject({
  /** 参保人数: the insured persons the premium is paid for. */
  insured: z
    .number({ error: required('must be a whole number of insured persons') })
    .int('must be a whole number of insured persons')
    .min(1, 'must be at least 1')
    .max(1_000_000_000, 'must be at most 1000000000'),
  /** 上年度城乡居民基本医保人均筹资标准: the prior year's per-capita basic funding. */
  perCapitaBasicFunding: amount.refine((v) => !/^0(\.0{1,2})?$/.test(v), 'must be above 0'),
  /** 筹资比例: the share of it that funds 大病 (seed 003 §二: at least 0.05). */
  fundingRate: rate,
  /** 经营成本: the insurer's operating cost as a share of the premium. */
  operatingCostRate: rate,
  /** 盈利率上限: the most the insurer may keep as profit, as a share of the premium (seed 003 §五: at most 0.05). */
  profitCapRate: rate,
  /** 政策性亏损分摊比例: the basic fund's share of a loss caused by basic-policy changes. */
  policyLossShareOfBasic: rate,
});
export type FundContractDto = z.infer<typeof fundContractSchema>;

/**
 * A new revision of the 大病 contract of a region-year, published whole with the premium it sets
 * (premium = insured × perCapitaBasicFunding × fundingRate, to the cent): the 筹资标准 the public
 * summary shows. It changes no claim's payment.
 */
export const fundContractRevisedV1 = z.strictObject({
  region: z.string(),
  year: z.number().int(),
  revision: z.number().int().min(1),
  contract: fundContractSchema,
});
export type FundContractRevised = z.infer<typeof fundContractRevisedV1>;

/** A loss declared as caused by a change of basic policy (政策性亏损): why, and the basic policy revision that caused it. */
export const policyLossSchema = z.strictObject({
  reason: reasonText,
  basicPolicyRevision: z
    .number({ error: required('must be a basic policy revision number') })
    .int('must be a whole revision number')
    .min(1, 'must be 1 or more'),
});
export type PolicyLossDto = z.infer<typeof policyLossSchema>;

/** POST /settlements/{region}/{year}: close the fund year (年度清算), declaring a policy loss if there is one. */
export const fundSettlementRequestSchema = z.strictObject({ policyLoss: policyLossSchema.optional() });
export type FundSettlementRequestDto = z.infer<typeof fundSettlementRequestSchema>;

const cents = z.string().regex(/^(0|[1-9]\d{0,11})\.\d{2}$/, 'must be an amount with two decimals');

/**
 * A year-end settlement of the 大病 fund (年度清算), revision `revision` of the region-year: the
 * account as of `settledAt` under contract revision `contractRevision`, and what moves between the
 * funds: the surplus beyond the contract back to the basic fund (超额结余返还), the basic fund's
 * share of a declared policy loss (政策性亏损分摊). A later revision replaces an earlier one.
 */
export const fundSettledV1 = z.strictObject({
  region: z.string(),
  year: z.number().int(),
  revision: z.number().int().min(1),
  contractRevision: z.number().int().min(1),
  premium: cents,
  claimsPaid: cents,
  operatingCost: cents,
  /** premium − claimsPaid − operatingCost: negative is a loss. */
  result: signedAmount,
  allowedProfit: cents,
  surplusReturned: cents,
  basicLossShare: cents,
  policyLoss: z.strictObject({ reason: z.string(), basicPolicyRevision: z.number().int().min(1) }).nullable(),
  settledAt: z.iso.datetime(),
});
export type FundSettled = z.infer<typeof fundSettledV1>;
