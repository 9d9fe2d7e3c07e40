import { Problem } from '@msb/platform';
import { validFundContract } from './fund-contract.validation';

const contract = {
  insured: 500,
  perCapitaBasicFunding: '800.00',
  fundingRate: '0.05',
  operatingCostRate: '0.08',
  profitCapRate: '0.05',
  policyLossShareOfBasic: '0.60',
};

/** The problem a body is refused with (400), or undefined when it is accepted. */
function refusal(body: unknown) {
  try {
    validFundContract(body);
    return undefined;
  } catch (e) {
    if (!(e instanceof Problem)) throw e;
    return e.body;
  }
}

describe('a 大病 contract as PUT', () => {
  it('is accepted at the seeds’ floors', () => {
    expect(validFundContract(contract)).toEqual(contract);
  });

  it('is refused below both floors with one 400 listing both, each naming its seed rule', () => {
    const problem = refusal({ ...contract, fundingRate: '0.04', profitCapRate: '0.06' });
    expect(problem).toMatchObject({ status: 400, detail: 'The contract has 2 problems' });
    expect(problem?.errors).toEqual([
      { path: '/fundingRate', message: expect.stringMatching(/^seed 003 §二: .*0\.04 is below 0\.05$/) },
      { path: '/profitCapRate', message: expect.stringMatching(/^seed 003 §五: .*0\.06 is above 0\.05$/) },
    ]);
  });

  it('lists what is wrong on its own beside the floors: a field missing, one unknown, a zero funding, a rate that is no rate', () => {
    const { operatingCostRate: _left, ...rest } = contract;
    const problem = refusal({ ...rest, perCapitaBasicFunding: '0.00', fundingRate: '0.03', profitCapRate: '5%', extra: true });
    expect(problem?.errors?.map((e) => e.path).sort()).toEqual(
      ['/perCapitaBasicFunding', '/operatingCostRate', '/profitCapRate', '/extra', '/fundingRate'].sort(),
    );
    // the profit cap that is no decimal is judged by its shape only
    expect(problem?.errors?.filter((e) => e.path === '/profitCapRate')).toHaveLength(1);
    expect(refusal({ ...contract, insured: 1.5 })?.errors).toEqual([
      { path: '/insured', message: 'must be a whole number of insured persons' },
    ]);
  });

  it('is refused when missing or not an object', () => {
    expect(refusal(undefined)?.errors).toEqual([{ path: '/', message: 'is required' }]);
    expect(refusal([contract])?.status).toBe(400);
  });
});
