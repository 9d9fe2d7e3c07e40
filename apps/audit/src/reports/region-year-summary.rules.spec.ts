import { REGION, RETRO_POLICY, TestLog, twoPersonYears } from '../analysis/test-log.spec-helper';
import { inForce, regionYearSummary, settlementMs } from './region-year-summary.rules';

describe('regionYearSummary', () => {
  it('given the two person-years, then the policies in force, what each payer paid, the claims, person-years and settlement time', () => {
    const summary = regionYearSummary(twoPersonYears().index(), REGION, 2024);
    expect(summary).toEqual({
      region: REGION,
      year: 2024,
      funding: null,
      benefits: {
        basic: { ...RETRO_POLICY.basic, revision: 1 },
        criticalIllness: { ...RETRO_POLICY.criticalIllness, revision: 1 },
        assistance: { ...RETRO_POLICY.assistance, revision: 1 },
      },
      // the payments report's nets: basic 130260, 大病 24321, assistance 16739
      paid: { basic: '130260.00', criticalIllness: '24321.00', assistance: '16739.00', total: '171320.00' },
      claims: 4,
      reversedClaims: 1,
      personYears: 2,
      // the test log records one entry a second: each claim, then basic's, 大病's and assistance's decision on it
      settlement: { claims: 4, averageMs: 3000 },
    });
  });

  it('given two revisions of the 大病 contract, then the 筹资标准 of the later: 900.00 × 0.06 = 54.00 a person, 1000 insured → 54000.00', () => {
    const log = twoPersonYears();
    const terms = {
      insured: 800,
      perCapitaBasicFunding: '800.00',
      fundingRate: '0.05',
      operatingCostRate: '0.08',
      profitCapRate: '0.05',
      policyLossShareOfBasic: '0.5',
    };
    log
      .putContract(REGION, 2024, 1, terms)
      .putContract(REGION, 2024, 2, { ...terms, insured: 1000, perCapitaBasicFunding: '900.00', fundingRate: '0.06' });
    expect(regionYearSummary(log.index(), REGION, 2024).funding).toEqual({
      contractRevision: 2,
      insured: 1000,
      priorYearBasicPerCapita: '900.00',
      fundingRate: '0.06',
      criticalIllnessPerCapita: '54.00',
      criticalIllnessPremium: '54000.00',
    });
    expect(regionYearSummary(log.index(), REGION, 2025).funding).toBeNull();
  });

  it('given a later policy revision, then that revision is in force', () => {
    const log = twoPersonYears();
    const basic = { ...RETRO_POLICY.basic, annualCap: '500000' };
    log.putPolicy(REGION, 2024, { basic });
    expect(regionYearSummary(log.index(), REGION, 2024).benefits.basic).toEqual({ ...basic, revision: 2 });
  });

  it('given a region-year the log does not know, then no policy, nothing paid, no claim and no settlement time', () => {
    expect(regionYearSummary(new TestLog().index(), REGION, 2024)).toEqual({
      region: REGION,
      year: 2024,
      funding: null,
      benefits: { basic: null, criticalIllness: null, assistance: null },
      paid: { basic: '0.00', criticalIllness: '0.00', assistance: '0.00', total: '0.00' },
      claims: 0,
      reversedClaims: 0,
      personYears: 0,
      settlement: { claims: 0, averageMs: null },
    });
  });
});

describe('settlementMs (即时结报)', () => {
  const at = (s: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, s)).toISOString();

  it('given all three payers decided, then the time from submission to the last of their first decisions', () => {
    expect(settlementMs(at(0), { basic: at(1), criticalIllness: at(4), assistance: at(2) })).toBe(4000);
  });

  it('given a payer that has not decided, or no submission, then no settlement time', () => {
    expect(settlementMs(at(0), { basic: at(1), criticalIllness: at(2) })).toBeUndefined();
    expect(settlementMs(undefined, { basic: at(1), criticalIllness: at(2), assistance: at(3) })).toBeUndefined();
  });
});

describe('inForce', () => {
  it('given revisions of several region-years, then the highest revision of the one asked, with its number', () => {
    const revisions = new Map([
      ['440300|2024|1', { cap: '1' }],
      ['440300|2024|3', { cap: '3' }],
      ['440300|2023|9', { cap: '9' }],
      ['440301|2024|7', { cap: '7' }],
    ]);
    expect(inForce(revisions, '440300', 2024)).toEqual({ cap: '3', revision: 3 });
    expect(inForce(revisions, '440300', 2022)).toBeNull();
  });
});
