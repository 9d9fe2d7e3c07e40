import type { AssistancePolicyDto } from '@msb/contracts';
import { annualCaps, assistanceReport } from './assistance-report.rules';

const POLICY: AssistancePolicyDto = {
  priority: ['EXTREME_POVERTY', 'MINIMUM_LIVING', 'LOW_INCOME'],
  categories: {
    EXTREME_POVERTY: { threshold: '0', bands: [{ rate: '1.00' }] },
    MINIMUM_LIVING: { threshold: '0', bands: [{ rate: '0.80' }], annualCap: '100000' },
    LOW_INCOME: { threshold: '3000', bands: [{ rate: '0.70' }], annualCap: '1500.5' },
  },
};

describe('the assistance report by category', () => {
  it('caps are the policy categories that set one, as two-decimal amounts', () => {
    expect(annualCaps(POLICY)).toEqual([
      { category: 'MINIMUM_LIVING', cap: '100000.00' },
      { category: 'LOW_INCOME', cap: '1500.50' },
    ]);
    expect(annualCaps(undefined)).toEqual([]);
  });

  it('one row per policy category in priority order, zeros where no one is; totals are the sums of the rows', () => {
    const report = assistanceReport(POLICY, [
      { category: 'LOW_INCOME', people: 2, cases: 3, paid: '1600.5', peopleAtCap: 1 },
      { category: 'MINIMUM_LIVING', people: 1, cases: 2, paid: '1600.00', peopleAtCap: 0 },
    ]);
    expect(report.categories).toEqual([
      { category: 'EXTREME_POVERTY', annualCap: null, people: 0, cases: 0, paid: '0.00', peopleAtCap: 0 },
      { category: 'MINIMUM_LIVING', annualCap: '100000.00', people: 1, cases: 2, paid: '1600.00', peopleAtCap: 0 },
      { category: 'LOW_INCOME', annualCap: '1500.50', people: 2, cases: 3, paid: '1600.50', peopleAtCap: 1 },
    ]);
    expect(report.totals).toEqual({ people: 3, cases: 5, paid: '3200.50', peopleAtCap: 1 });
  });

  it('a category the decisions still name but the policy no longer defines comes after, without a cap', () => {
    const report = assistanceReport(POLICY, [{ category: 'ILLNESS_POVERTY', people: 1, cases: 1, paid: '0.10', peopleAtCap: 0 }]);
    expect(report.categories.map((r) => r.category)).toEqual(['EXTREME_POVERTY', 'MINIMUM_LIVING', 'LOW_INCOME', 'ILLNESS_POVERTY']);
    expect(report.categories[3]).toMatchObject({ annualCap: null, paid: '0.10' });
    expect(assistanceReport(undefined, []).categories).toEqual([]);
  });
});
