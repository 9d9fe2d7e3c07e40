import { covers } from '@msb/settlement';
import {
  amendedTerms,
  amendmentChange,
  amendmentProblems,
  GrantState,
  notLiveReason,
  revocationProblems,
  revokedTerms,
  spanOf,
  statusOf,
} from './grant-changes.rules';

const LIVE: GrantState = {
  grantId: 'G-1',
  personId: 'P-1',
  category: 'MINIMUM_LIVING',
  validFrom: '2024-01-01',
  revision: 1,
  revoked: false,
};

describe('a revocation from a date (资格终止) or from the start (void)', () => {
  it('given effectiveFrom 2024-10-01, then validTo becomes 2024-09-30 and claims from October on are no longer covered', () => {
    const terms = revokedTerms(LIVE, '2024-10-01');
    expect(terms).toEqual({ ...LIVE, validTo: '2024-09-30' });
    const span = spanOf({ ...LIVE, ...terms, revoked: true, revokedFrom: '2024-10-01' });
    expect(span.revoked).toBe(false);
    expect(['2024-09-30', '2024-10-01'].map((d) => covers(span, d))).toEqual([true, false]);
  });

  it('given effectiveFrom after a grant already ended, then validTo stays (a revocation never lengthens a grant)', () => {
    expect(revokedTerms({ ...LIVE, validTo: '2024-06-30' }, '2024-10-01').validTo).toBe('2024-06-30');
    expect(revokedTerms({ ...LIVE, validTo: '2024-12-31' }, '2024-03-01').validTo).toBe('2024-02-29');
  });

  it('given no effectiveFrom, then the terms stay and the grant is void: it covers no day', () => {
    expect(revokedTerms(LIVE, undefined)).toEqual(LIVE);
    const voided = { ...LIVE, revoked: true };
    expect(statusOf(voided)).toBe('VOID');
    expect(covers(spanOf(voided), '2024-05-01')).toBe(false);
  });

  it('effectiveFrom on or after validFrom is accepted, before it is a problem at /effectiveFrom', () => {
    expect(revocationProblems(LIVE, '2024-01-01')).toEqual([]);
    expect(revocationProblems(LIVE, '2030-01-01')).toEqual([]);
    expect(revocationProblems(LIVE, undefined)).toEqual([]);
    expect(revocationProblems(LIVE, '2023-12-31')).toEqual([
      { path: '/effectiveFrom', message: "is before the grant's validFrom (2024-01-01)" },
    ]);
  });

  it('only a live grant changes: a revoked or void one is final', () => {
    expect(notLiveReason(LIVE)).toBeUndefined();
    expect(statusOf({ revoked: true, revokedFrom: '2024-10-01' })).toBe('REVOKED');
    expect(notLiveReason({ ...LIVE, revoked: true, revokedFrom: '2024-10-01' })).toMatch(/already revoked from 2024-10-01/);
    expect(notLiveReason({ ...LIVE, revoked: true })).toMatch(/void/);
  });
});

describe('an amendment of a live grant', () => {
  it('changes the category, validTo or both; one that changes nothing is none', () => {
    expect(amendedTerms(LIVE, { category: 'EXTREME_POVERTY' })).toEqual({ category: 'EXTREME_POVERTY', validFrom: '2024-01-01' });
    expect(amendedTerms(LIVE, { validTo: '2024-06-30' })).toEqual({
      category: 'MINIMUM_LIVING',
      validFrom: '2024-01-01',
      validTo: '2024-06-30',
    });
    expect(amendedTerms({ ...LIVE, validTo: '2024-06-30' }, { category: 'LOW_INCOME' })).toEqual({
      category: 'LOW_INCOME',
      validFrom: '2024-01-01',
      validTo: '2024-06-30',
    });
    expect(amendedTerms(LIVE, { category: 'MINIMUM_LIVING' })).toBeUndefined();
    expect(amendedTerms({ ...LIVE, validTo: '2024-06-30' }, { validTo: '2024-06-30' })).toBeUndefined();
  });

  it('a validTo before validFrom is a problem at /validTo; on validFrom it is a one-day grant', () => {
    expect(amendmentProblems(LIVE, '2023-12-31')).toEqual([{ path: '/validTo', message: "is before the grant's validFrom (2024-01-01)" }]);
    expect(amendmentProblems(LIVE, '2024-01-01')).toEqual([]);
    expect(amendmentProblems(LIVE, undefined)).toEqual([]);
  });

  it('reaches the payers as a revocation when it ends the grant earlier, else as a grant of the new terms', () => {
    const open = { category: 'MINIMUM_LIVING' as const, validFrom: '2024-01-01' };
    const june = { ...open, validTo: '2024-06-30' };
    expect(amendmentChange(open, june)).toBe('ELIGIBILITY_REVOKED');
    expect(amendmentChange({ ...open, validTo: '2024-12-31' }, june)).toBe('ELIGIBILITY_REVOKED');
    expect(amendmentChange(june, { ...open, validTo: '2024-12-31' })).toBe('ELIGIBILITY_GRANTED');
    expect(amendmentChange(open, { ...open, category: 'EXTREME_POVERTY' })).toBe('ELIGIBILITY_GRANTED');
    expect(amendmentChange(june, { ...june, category: 'LOW_INCOME' })).toBe('ELIGIBILITY_GRANTED');
  });
});
