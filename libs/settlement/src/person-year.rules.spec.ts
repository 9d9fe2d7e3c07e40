import { money, print } from '@msb/money';
import type { Claim } from './domain.types';
import { PersonYearPolicies, settlePersonYear } from './person-year.rules';
import { assistancePolicyFromWire, basicPolicyFromWire, criticalIllnessPolicyFromWire } from './wire.mapping';

/** seed 001's inpatient stay (80,000 in scope, 20,000 outside it that 大病 admits) for a 低保 person. */
const claim: Claim = {
  claimId: 'C1',
  version: 1,
  personId: 'P1',
  region: 'R1',
  hospital: { id: 'H1', level: 3, inRegion: true },
  visitType: 'INPATIENT',
  serviceDate: '2012-05-20',
  diagnosis: ['C34.9'],
  items: [
    { code: 'IN', category: 'A', amount: money('80000'), inCatalogue: true },
    { code: 'OUT', category: 'C', amount: money('20000'), inCatalogue: true },
  ],
};
const levels = { '1': { deductible: '0', rate: '0.70' }, '2': { deductible: '0', rate: '0.70' }, '3': { deductible: '0', rate: '0.70' } };
const policies: PersonYearPolicies = {
  basic: basicPolicyFromWire({
    annualCap: '500000',
    classBSelfPayRatio: '0',
    inpatient: levels,
    outpatientChronic: levels,
    outpatient: levels,
  }),
  criticalIllness: criticalIllnessPolicyFromWire({ threshold: '0', bands: [{ rate: '0.50' }] }),
  assistance: assistancePolicyFromWire({
    priority: ['MINIMUM_LIVING'],
    categories: { MINIMUM_LIVING: { threshold: '0', bands: [{ rate: '0.50' }] } },
  }),
  criticalIllnessCatalogue: new Set(['OUT']),
};
const grants = [{ category: 'MINIMUM_LIVING' as const, validFrom: '2012-01-01' }];
const figures = (s: ReturnType<typeof settlePersonYear>) => ({
  basic: print(s.basic),
  criticalIllness: print(s.criticalIllness),
  assistance: print(s.assistance),
  selfPay: print(s.selfPay),
  category: s.assistanceCategory,
});

describe('settlePersonYear: a payer without a policy pays nothing (保险在先、救助在后)', () => {
  it('given all three policies, then basic 56000, 大病 22000, assistance 50% of the 22000 left = 11000', () => {
    expect(figures(settlePersonYear(policies, [claim], grants))).toEqual({
      basic: '56000.00',
      criticalIllness: '22000.00',
      assistance: '11000.00',
      selfPay: '11000.00',
      category: 'MINIMUM_LIVING',
    });
  });

  it('given no assistance policy, then assistance pays nothing and the year has no category', () => {
    const { assistance: _none, ...withoutAssistance } = policies;
    expect(figures(settlePersonYear(withoutAssistance, [claim], grants))).toEqual({
      basic: '56000.00',
      criticalIllness: '22000.00',
      assistance: '0.00',
      selfPay: '22000.00',
      category: null,
    });
  });

  it('given no 大病 policy, then neither 大病 nor assistance, which waits for 大病, pays anything', () => {
    const { criticalIllness: _none, ...withoutCriticalIllness } = policies;
    const settled = settlePersonYear(withoutCriticalIllness, [claim], grants);
    expect(figures(settled)).toEqual({
      basic: '56000.00',
      criticalIllness: '0.00',
      assistance: '0.00',
      selfPay: '44000.00',
      category: null,
    });
    expect(settled.tilted).toBe(false);
  });
});
