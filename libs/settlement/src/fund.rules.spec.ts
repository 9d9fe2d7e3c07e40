import { money } from '@msb/money';
import {
  allowedProfitOf,
  basicFundNet,
  basicLossShareOf,
  FundContract,
  fundAccount,
  fundClosing,
  fundContractProblems,
  operatingCostOf,
  perCapitaFundingOf,
  premiumOf,
  profitRateOf,
  resultOf,
  surplusReturnedOf,
} from './fund.rules';

const contract = (over: Partial<Record<keyof FundContract, string | number>> = {}): FundContract => ({
  insured: Number(over.insured ?? 500),
  perCapitaBasicFunding: money(String(over.perCapitaBasicFunding ?? '800.00')),
  fundingRate: money(String(over.fundingRate ?? '0.05')),
  operatingCostRate: money(String(over.operatingCostRate ?? '0.08')),
  profitCapRate: money(String(over.profitCapRate ?? '0.05')),
  policyLossShareOfBasic: money(String(over.policyLossShareOfBasic ?? '0.60')),
});
const printed = (figures: object) =>
  Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, v === null ? null : (v as { toFixed(n: number): string }).toFixed(2)]));

describe('the per-capita funding standard (人均筹资标准)', () => {
  it('is per-capita basic funding × funding rate, to the cent: 800.00 × 0.05 = 40.00, 812.37 × 0.055 = 44.68035 → 44.68', () => {
    expect(perCapitaFundingOf(contract()).toFixed(2)).toBe('40.00');
    expect(perCapitaFundingOf(contract({ perCapitaBasicFunding: '812.37', fundingRate: '0.055' })).toFixed(2)).toBe('44.68');
    expect(perCapitaFundingOf(contract({ perCapitaBasicFunding: '0.10', fundingRate: '0.05' })).toFixed(2)).toBe('0.01'); // 0.005 → 0.01
  });
});

describe('the premium (筹资)', () => {
  it('is insured × per-capita basic funding × funding rate: 500 × 800.00 × 0.05 = 20000.00', () => {
    expect(premiumOf(contract()).toFixed(2)).toBe('20000.00');
  });

  it('rounds ROUND_HALF_UP to the cent: 3 × 0.50 × 0.05 = 0.075 → 0.08, 1 × 0.01 × 0.5 = 0.005 → 0.01', () => {
    expect(premiumOf(contract({ insured: 3, perCapitaBasicFunding: '0.50', fundingRate: '0.05' })).toFixed(2)).toBe('0.08');
    expect(premiumOf(contract({ insured: 1, perCapitaBasicFunding: '0.01', fundingRate: '0.5' })).toFixed(2)).toBe('0.01');
    // 1234 × 812.37 = 1002464.58; × 0.055 = 55135.5519 → 55135.55
    expect(premiumOf(contract({ insured: 1234, perCapitaBasicFunding: '812.37', fundingRate: '0.055' })).toFixed(2)).toBe('55135.55');
  });
});

describe('the account of the year', () => {
  it('operating cost and allowed profit are shares of the premium, to the cent (HALF_UP)', () => {
    // 0.15 × 0.1 = 0.015 → 0.02; 0.15 × 0.05 = 0.0075 → 0.01
    expect(operatingCostOf(money('0.15'), money('0.1')).toFixed(2)).toBe('0.02');
    expect(allowedProfitOf(money('0.15'), money('0.05')).toFixed(2)).toBe('0.01');
    expect(allowedProfitOf(money('20000.00'), money('0.05')).toFixed(2)).toBe('1000.00');
  });

  it('result = premium − claims paid − operating cost; the profit rate is result / premium to 4 decimals, HALF_UP', () => {
    expect(resultOf(money('20000.00'), money('22000.00'), money('1600.00')).toFixed(2)).toBe('-3600.00');
    expect(profitRateOf(money('-3600.00'), money('20000.00'))?.toFixed(4)).toBe('-0.1800');
    // 1 / 3 = 0.33333… → 0.3333; 2 / 3 = 0.66666… → 0.6667; 0.00005 exactly → 0.0001 (half up, away from zero)
    expect(profitRateOf(money('1.00'), money('3.00'))?.toFixed(4)).toBe('0.3333');
    expect(profitRateOf(money('2.00'), money('3.00'))?.toFixed(4)).toBe('0.6667');
    expect(profitRateOf(money('1.00'), money('20000.00'))?.toFixed(4)).toBe('0.0001');
    expect(profitRateOf(money('-1.00'), money('20000.00'))?.toFixed(4)).toBe('-0.0001');
  });

  it('has no profit rate without a premium', () => {
    expect(profitRateOf(money('-5.00'), money('0.00'))).toBeNull();
  });

  it('is composed from the contract and what was paid', () => {
    expect(printed(fundAccount(contract(), money('12000.00')))).toEqual({
      premium: '20000.00',
      claimsPaid: '12000.00',
      operatingCost: '1600.00',
      result: '6400.00',
      profitRate: '0.32',
      allowedProfit: '1000.00',
    });
    expect(fundAccount(contract(), money('12000.00')).profitRate?.toFixed(4)).toBe('0.3200');
  });
});

describe('the year-end settlement (年度清算)', () => {
  it('returns a surplus beyond the allowed profit to the basic fund in full: 6400.00 − 1000.00 = 5400.00', () => {
    const account = fundAccount(contract(), money('12000.00'));
    expect(printed(fundClosing(account, contract(), false))).toEqual({ surplusReturned: '5400.00', basicLossShare: '0.00' });
    // declaring a policy loss in a year of profit shares nothing
    expect(printed(fundClosing(account, contract(), true))).toEqual({ surplusReturned: '5400.00', basicLossShare: '0.00' });
  });

  it('returns nothing while the result is within the allowed profit', () => {
    expect(surplusReturnedOf(money('1000.00'), money('1000.00')).toFixed(2)).toBe('0.00');
    expect(surplusReturnedOf(money('999.99'), money('1000.00')).toFixed(2)).toBe('0.00');
    expect(surplusReturnedOf(money('1000.01'), money('1000.00')).toFixed(2)).toBe('0.01');
  });

  it('shares a declared policy loss by the contract’s ratio: −(−3600.00) × 0.60 = 2160.00, nothing returned', () => {
    const account = fundAccount(contract(), money('22000.00'));
    expect(account.result.toFixed(2)).toBe('-3600.00');
    expect(printed(fundClosing(account, contract(), true))).toEqual({ surplusReturned: '0.00', basicLossShare: '2160.00' });
  });

  it('leaves a loss not declared as a policy loss to the insurer (自负盈亏): the basic fund shares nothing', () => {
    const account = fundAccount(contract(), money('22000.00'));
    expect(printed(fundClosing(account, contract(), false))).toEqual({ surplusReturned: '0.00', basicLossShare: '0.00' });
  });

  it('rounds the loss share ROUND_HALF_UP to the cent: 0.05 × 0.5 = 0.025 → 0.03, 1.01 × 0.5 = 0.505 → 0.51', () => {
    expect(basicLossShareOf(money('-0.05'), money('0.5'), true).toFixed(2)).toBe('0.03');
    expect(basicLossShareOf(money('-1.01'), money('0.5'), true).toFixed(2)).toBe('0.51');
    expect(basicLossShareOf(money('-3600.00'), money('0.123456'), true).toFixed(2)).toBe('444.44'); // 444.4416
    expect(basicLossShareOf(money('0.00'), money('0.5'), true).toFixed(2)).toBe('0.00');
  });
});

describe('what the seeds refuse in a contract', () => {
  const terms = (over: Partial<Record<keyof FundContract, string | number>>) => contract(over);

  it('accepts the floors themselves: funding at 0.05, a profit cap of 0.05', () => {
    expect(fundContractProblems(terms({ fundingRate: '0.05', profitCapRate: '0.05' }))).toEqual([]);
    expect(fundContractProblems(terms({ fundingRate: '0.2', profitCapRate: '0' }))).toEqual([]);
  });

  it('lists both problems, each naming its seed rule: funding below 5% and a profit cap above 5%', () => {
    expect(fundContractProblems(terms({ fundingRate: '0.049999', profitCapRate: '0.050001' }))).toEqual([
      {
        path: '/fundingRate',
        message: expect.stringMatching(
          /^seed 003 §二: the 大病 fund is at least 5% of the prior year's per-capita basic funding.*0\.049999 is below 0\.05$/,
        ),
      },
      {
        path: '/profitCapRate',
        message: expect.stringMatching(/^seed 003 §五: the insurer's profit is held within 5% \(保本微利.*0\.050001 is above 0\.05$/),
      },
    ]);
  });

  it('judges only the fields given (a field invalid on its own is reported by its schema)', () => {
    expect(fundContractProblems({ profitCapRate: money('0.06') }).map((p) => p.path)).toEqual(['/profitCapRate']);
    expect(fundContractProblems({})).toEqual([]);
  });

  it('refuses a premium beyond the largest amount the wire carries', () => {
    expect(
      fundContractProblems(terms({ insured: 1_000_000_000, perCapitaBasicFunding: '999999.99', fundingRate: '1' })).map((p) => p.path),
    ).toEqual(['/insured']);
  });
});

describe("the basic fund's net cost (sign convention)", () => {
  it('is paid − surplusReturned + basicLossShare: a surplus returned lowers it, a loss share raises it', () => {
    expect(basicFundNet(money('56000.00'), money('5400.00'), money('0.00')).toFixed(2)).toBe('50600.00');
    expect(basicFundNet(money('56000.00'), money('0.00'), money('2160.00')).toFixed(2)).toBe('58160.00');
  });
});
