import { Decimal, max, money, round2, ZERO } from '@msb/money';

/**
 * The 大病 fund's account (单独核算) and its year-end settlement (年度清算), seed 003 §二 and
 * §五(四), seed 001 part 2: funded at no less than 5% of the prior year's per-capita basic
 * funding; the insurer's profit held within 5% (保本微利); a surplus beyond the contract returned
 * to the basic fund in full; a loss caused by basic-policy changes shared by the contract's ratio.
 * Every money figure is rounded ROUND_HALF_UP to the cent where it is made.
 */

/** A region-year's 大病 contract (大病保险合同), in the domain's terms. */
export interface FundContract {
  /** 参保人数. */
  insured: number;
  /** 上年度城乡居民基本医保人均筹资标准. */
  perCapitaBasicFunding: Decimal;
  /** 筹资比例 (≥ 0.05). */
  fundingRate: Decimal;
  /** 经营成本 as a share of the premium. */
  operatingCostRate: Decimal;
  /** 盈利率上限 (≤ 0.05). */
  profitCapRate: Decimal;
  /** The basic fund's share of a policy loss (政策性亏损分摊比例). */
  policyLossShareOfBasic: Decimal;
}

/** The account of a region-year as of some moment: premium in, claims paid and operating cost out. */
export interface FundAccount {
  premium: Decimal;
  claimsPaid: Decimal;
  operatingCost: Decimal;
  /** premium − claimsPaid − operatingCost; negative is a loss (亏损). */
  result: Decimal;
  /** result / premium to 4 decimals; null when there is no premium. */
  profitRate: Decimal | null;
  allowedProfit: Decimal;
}

/** What the year-end settlement moves between the funds. */
export interface FundClosing {
  /** 超额结余返还: back to the basic fund. */
  surplusReturned: Decimal;
  /** 政策性亏损分摊: the basic fund's part of a declared policy loss. */
  basicLossShare: Decimal;
}

/** Seed 003 §二: the fund is at least this share of the prior year's per-capita basic funding. */
export const SEED_FUNDING_FLOOR = money('0.05');
/** Seed 003 §五(四): the insurer's profit rate is held within this (盈利率控制在5%以内). */
export const SEED_PROFIT_CAP = money('0.05');
/** The largest amount the wire carries (12 integer digits). */
const LARGEST_AMOUNT = money('999999999999.99');

/** 筹资: premium = insured × perCapitaBasicFunding × fundingRate, to the cent (ROUND_HALF_UP). */
export function premiumOf(c: Pick<FundContract, 'insured' | 'perCapitaBasicFunding' | 'fundingRate'>): Decimal {
  return round2(money(String(c.insured)).times(c.perCapitaBasicFunding).times(c.fundingRate));
}

/** 大病人均筹资标准: what the contract funds per insured person = perCapitaBasicFunding × fundingRate, to the cent. */
export function perCapitaFundingOf(c: Pick<FundContract, 'perCapitaBasicFunding' | 'fundingRate'>): Decimal {
  return round2(c.perCapitaBasicFunding.times(c.fundingRate));
}

/** 经营成本 = premium × operatingCostRate, to the cent. */
export function operatingCostOf(premium: Decimal, operatingCostRate: Decimal): Decimal {
  return round2(premium.times(operatingCostRate));
}

/** 允许盈利 = premium × profitCapRate, to the cent: what the insurer may keep (保本微利). */
export function allowedProfitOf(premium: Decimal, profitCapRate: Decimal): Decimal {
  return round2(premium.times(profitCapRate));
}

/** 当年结余 = premium − claimsPaid − operatingCost (exact: every term is in cents). */
export function resultOf(premium: Decimal, claimsPaid: Decimal, operatingCost: Decimal): Decimal {
  return premium.minus(claimsPaid).minus(operatingCost);
}

/** 盈利率 = result / premium, 4 decimals ROUND_HALF_UP; null without a premium (no rate of nothing). */
export function profitRateOf(result: Decimal, premium: Decimal): Decimal | null {
  if (premium.isZero()) return null;
  return result.dividedBy(premium).toDecimalPlaces(4, Decimal.ROUND_HALF_UP);
}

/** 超额结余全部返还基本医保基金: surplusReturned = max(0, result − allowedProfit). */
export function surplusReturnedOf(result: Decimal, allowedProfit: Decimal): Decimal {
  return max(ZERO, result.minus(allowedProfit));
}

/**
 * 政策性亏损由基本医保基金和商业保险机构分摊: when the year is a loss and the loss is declared
 * as caused by basic-policy changes, basicLossShare = −result × policyLossShareOfBasic (cents,
 * HALF_UP); a loss not so declared is the insurer's alone (自负盈亏), and a year in profit shares nothing.
 */
export function basicLossShareOf(result: Decimal, policyLossShareOfBasic: Decimal, policyLossDeclared: boolean): Decimal {
  if (!policyLossDeclared || !result.lt(ZERO)) return ZERO;
  return round2(result.negated().times(policyLossShareOfBasic));
}

/** The account of the year, from the contract and what the fund has paid so far. */
export function fundAccount(contract: FundContract, claimsPaid: Decimal): FundAccount {
  const premium = premiumOf(contract);
  const operatingCost = operatingCostOf(premium, contract.operatingCostRate);
  const result = resultOf(premium, claimsPaid, operatingCost);
  return {
    premium,
    claimsPaid,
    operatingCost,
    result,
    profitRate: profitRateOf(result, premium),
    allowedProfit: allowedProfitOf(premium, contract.profitCapRate),
  };
}

/** The year-end settlement of an account: a surplus returns, a declared policy loss is shared. */
export function fundClosing(account: FundAccount, contract: FundContract, policyLossDeclared: boolean): FundClosing {
  return {
    surplusReturned: surplusReturnedOf(account.result, account.allowedProfit),
    basicLossShare: basicLossShareOf(account.result, contract.policyLossShareOfBasic, policyLossDeclared),
  };
}

/**
 * What a contract may not be, by the seeds: funded below 5% (seed 003 §二), a profit cap above 5%
 * (seed 003 §五(四)); and a premium beyond what the wire carries. Each problem names its field and
 * rule; a field left out (not valid on its own) is not judged here.
 */
export function fundContractProblems(c: Partial<FundContract>): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  if (c.fundingRate !== undefined && c.fundingRate.lt(SEED_FUNDING_FLOOR))
    problems.push({
      path: '/fundingRate',
      message: `seed 003 §二: the 大病 fund is at least 5% of the prior year's per-capita basic funding (不低于上年度人均筹资标准的5%); ${c.fundingRate.toString()} is below 0.05`,
    });
  if (c.profitCapRate !== undefined && c.profitCapRate.gt(SEED_PROFIT_CAP))
    problems.push({
      path: '/profitCapRate',
      message: `seed 003 §五: the insurer's profit is held within 5% (保本微利, 盈利率控制在5%以内); ${c.profitCapRate.toString()} is above 0.05`,
    });
  if (c.insured !== undefined && c.perCapitaBasicFunding !== undefined && c.fundingRate !== undefined) {
    const premium = premiumOf({ insured: c.insured, perCapitaBasicFunding: c.perCapitaBasicFunding, fundingRate: c.fundingRate });
    if (premium.gt(LARGEST_AMOUNT))
      problems.push({ path: '/insured', message: `the premium ${premium.toFixed(2)} is above the largest amount, 999999999999.99` });
  }
  return problems;
}

/**
 * The basic fund's net cost of a region-year (sign convention): what basic paid, less what the 大病
 * fund returned to it (超额结余返还 reduces its cost), plus its share of a policy loss
 * (政策性亏损分摊 increases it): net = paid − surplusReturned + basicLossShare.
 */
export function basicFundNet(paid: Decimal, surplusReturned: Decimal, basicLossShare: Decimal): Decimal {
  return paid.minus(surplusReturned).plus(basicLossShare);
}
