import { canonicalJson, ClaimDto } from '@msb/contracts';
import { claimKeysOf, recordedPersonYear } from './region-year-facts.view';

const claim = (claimId: string, amount: string): ClaimDto => ({
  claimId,
  personId: 'P-1',
  region: 'R1',
  hospital: { id: 'H1' },
  visitType: 'INPATIENT',
  serviceDate: '2024-03-01',
  diagnosis: ['C34.9'],
  items: [{ code: 'A-1', amount }],
});
const logged = (type: string, data: unknown, extra: object = {}) =>
  canonicalJson({
    id: 'e',
    type,
    version: type === 'basic.ClaimReversed' ? 1 : 2,
    source: 'basic-insurance',
    subject: 's',
    time: 't',
    correlationId: 'c',
    causationId: null,
    data,
    ...extra,
  });

describe('a logged claim version read off its text', () => {
  it('names its person and claim, in canonical JSON and as JSON.stringify writes it', () => {
    const c = claim('C-1', '10.00');
    expect(claimKeysOf(logged('basic.ClaimSubmitted', { claim: c, version: 1, year: 2024 }))).toEqual({ personId: 'P-1', claimId: 'C-1' });
    expect(claimKeysOf(JSON.stringify({ type: 'basic.ClaimCorrected', data: { claim: c, version: 2, year: 2024 } }))).toEqual({
      personId: 'P-1',
      claimId: 'C-1',
    });
  });

  it('is not fooled by another value that quotes the keys (JSON escapes its quotes)', () => {
    const text = logged(
      'basic.ClaimSubmitted',
      { claim: claim('C-2', '1.00'), version: 1, year: 2024 },
      { correlationId: 'x","claimId":"FAKE","personId":"FAKE' },
    );
    expect(claimKeysOf(text)).toEqual({ personId: 'P-1', claimId: 'C-2' });
  });

  it('refuses a text that is no claim version', () => {
    expect(() => claimKeysOf(logged('basic.ClaimReversed', { claimId: 'C-1', version: 1, personYear: {}, reason: 'x' }))).toThrow(
      /no person/,
    );
  });
});

describe('a person-year from its logged claim events', () => {
  it('keeps each claim at its latest version, whatever the order, and leaves a reversed claim out', () => {
    const rows = {
      personId: 'P-1',
      windows: [{ category: 'LOW_INCOME' as const, validFrom: '2024-01-01' }],
      events: [
        logged('basic.ClaimCorrected', { claim: claim('C-1', '90.00'), version: 2, year: 2024 }),
        logged('basic.ClaimSubmitted', { claim: claim('C-1', '100.00'), version: 1, year: 2024 }),
        logged('basic.ClaimSubmitted', { claim: claim('C-2', '5.00'), version: 1, year: 2024 }),
        logged('basic.ClaimSubmitted', { claim: claim('C-3', '7.00'), version: 1, year: 2024 }),
        logged('basic.ClaimReversed', {
          claimId: 'C-3',
          version: 1,
          personYear: { region: 'R1', personId: 'P-1', year: 2024 },
          reason: 'x',
        }),
      ],
    };
    const recorded = recordedPersonYear(rows);
    expect(recorded.claims.map((c) => [c.claim.claimId, c.version, c.claim.items[0].amount])).toEqual([
      ['C-1', 2, '90.00'],
      ['C-2', 1, '5.00'],
    ]);
    expect(recorded.windows).toBe(rows.windows);
  });
});
