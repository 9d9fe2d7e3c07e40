import fc from 'fast-check';
import {
  applyDecision,
  ASSISTANCE_DECISION,
  BASIC_DECISION,
  byClaimId,
  byServiceDateThenId,
  diffDecision,
  inTheOrderOf,
  releasable,
  standingOf,
  totalsHold,
} from './decision.delta';
import { decodeMessage } from './event.registry';
import type { AssistanceDecidedClaim, BasicDecidedClaim, BasicPersonYearDecided, BasicPersonYearDecidedV1 } from './events.schema';

const claim = (claimId: string, serviceDate: string, basic: string, f: Partial<BasicDecidedClaim> = {}): BasicDecidedClaim => ({
  claimId,
  version: 1,
  status: 'LIVE',
  serviceDate,
  visitType: 'OUTPATIENT_CHRONIC',
  total: '1000.00',
  policyScope: '900.00',
  ciExtra: '0.00',
  basic,
  compliantSelfPay: '270.00',
  ...f,
});

/** Σ of a figure over claims, in integer cents (independently of the code under test). */
const sumOf = (claims: BasicDecidedClaim[], field: 'total' | 'policyScope' | 'ciExtra' | 'basic' | 'compliantSelfPay') =>
  (claims.reduce((n, c) => n + Math.round(Number(c[field]) * 100), 0) / 100).toFixed(2);

const full = (revision: number, claims: BasicDecidedClaim[]): BasicPersonYearDecided => ({
  personYear: { region: '440300', personId: 'P-1', year: 2024 },
  revision,
  previousRevision: revision - 1,
  policyRevision: 1,
  cause: { reason: 'INITIAL' },
  claims: [...claims].sort(byServiceDateThenId),
  totals: {
    claimCount: claims.length,
    total: sumOf(claims, 'total'),
    policyScope: sumOf(claims, 'policyScope'),
    ciExtra: sumOf(claims, 'ciExtra'),
    basic: sumOf(claims, 'basic'),
    compliantSelfPay: sumOf(claims, 'compliantSelfPay'),
  },
  payments: [],
});

/** The wire decision of `next` after `previous`: its changed claims only. */
const wire = (previous: BasicPersonYearDecided | null, next: BasicPersonYearDecided): BasicPersonYearDecided => ({
  ...next,
  claims: diffDecision(previous, next),
});

describe('decision deltas: only the claims whose figures changed', () => {
  const JAN = claim('C-JAN', '2024-01-10', '630.00');
  const MAR = claim('C-MAR', '2024-03-10', '630.00');

  it('the first decision of a person-year carries every claim', () => {
    expect(diffDecision(null, full(1, [JAN, MAR])).map((c) => c.claimId)).toEqual(['C-JAN', 'C-MAR']);
  });

  it('a new claim that moves no other claim is the only one carried', () => {
    const feb = claim('C-FEB', '2024-02-10', '630.00');
    expect(diffDecision(full(1, [JAN, MAR]), full(2, [JAN, feb, MAR]))).toEqual([feb]);
  });

  it('a late claim with an earlier date that changes a later claim carries both, in the payer order', () => {
    const feb = claim('C-FEB', '2024-02-10', '630.00');
    const marMoved = { ...MAR, basic: '600.00' };
    expect(diffDecision(full(1, [JAN, MAR]), full(2, [JAN, feb, marMoved]))).toEqual([feb, marMoved]);
  });

  it('any field counts: a new version, a status, a visit type', () => {
    const corrected = { ...JAN, version: 2 };
    const reversed = { ...MAR, status: 'REVERSED' as const, basic: '0.00' };
    expect(diffDecision(full(1, [JAN, MAR]), full(2, [corrected, reversed]))).toEqual([corrected, reversed]);
    expect(diffDecision(full(1, [JAN]), full(2, [{ ...JAN, visitType: 'INPATIENT' }]))).toHaveLength(1);
  });

  it('a recomputation that changes no claim carries none', () => {
    expect(diffDecision(full(1, [JAN, MAR]), full(2, [MAR, JAN]))).toEqual([]);
  });

  it('refuses a next decision that lost a claim: claims are never removed', () => {
    expect(() => diffDecision(full(1, [JAN, MAR]), full(2, [JAN]))).toThrow(/C-MAR is missing/);
  });
});

describe('applyDecision: the delta merged into the whole decision', () => {
  it('merges by claim id, the delta winning, in the payer order (a corrected date moves the claim)', () => {
    const jan = claim('C-JAN', '2024-01-10', '630.00');
    const mar = claim('C-MAR', '2024-03-10', '630.00');
    const movedToFeb = claim('C-MAR', '2024-02-01', '620.00', { version: 2 });
    const before = full(1, [jan, mar]);
    const whole = applyDecision(before, wire(before, full(2, [jan, movedToFeb])), byServiceDateThenId);
    expect(whole.claims).toEqual([jan, movedToFeb]);
    expect(whole.revision).toBe(2);
  });

  it('from nothing, the first decision is whole', () => {
    const first = full(1, [claim('C-1', '2024-05-01', '1.00')]);
    expect(applyDecision(null, first, byServiceDateThenId)).toEqual(first);
  });

  it('assistance folds in the order of the 大病 decision it names, or by claim id where order means nothing', () => {
    const a = (claimId: string): AssistanceDecidedClaim => ({ claimId, version: 1, status: 'LIVE', eligible: true, assistance: '1.00' });
    const upstream = [{ claimId: 'Z-EARLY' }, { claimId: 'A-LATE' }];
    expect([a('A-LATE'), a('Z-EARLY')].sort(inTheOrderOf(upstream)).map((c) => c.claimId)).toEqual(['Z-EARLY', 'A-LATE']);
    expect([a('Z-EARLY'), a('A-LATE')].sort(byClaimId).map((c) => c.claimId)).toEqual(['A-LATE', 'Z-EARLY']);
    expect(ASSISTANCE_DECISION.totals([a('A'), a('B')])).toEqual({ claimCount: 2, assistance: '2.00' });
  });
});

describe('the revision a decision follows', () => {
  it('NEXT when it follows the revision held, SEEN when repeated or older, GAP when one in between is missing', () => {
    expect(standingOf(0, { revision: 1, previousRevision: 0 })).toBe('NEXT');
    expect(standingOf(3, { revision: 4, previousRevision: 3 })).toBe('NEXT');
    expect(standingOf(3, { revision: 3, previousRevision: 2 })).toBe('SEEN');
    expect(standingOf(3, { revision: 2, previousRevision: 1 })).toBe('SEEN');
    expect(standingOf(2, { revision: 4, previousRevision: 3 })).toBe('GAP');
    expect(standingOf(0, { revision: 2, previousRevision: 1 })).toBe('GAP');
  });

  it('releases held decisions in revision order once the one they follow is there, and keeps those after a further gap', () => {
    const r = (revision: number) => ({ revision, previousRevision: revision - 1 });
    expect(releasable(2, [r(5), r(3), r(4), r(7)])).toEqual({ apply: [r(3), r(4), r(5)], held: [r(7)] });
    expect(releasable(2, [r(4)])).toEqual({ apply: [], held: [r(4)] });
    expect(releasable(4, [r(3), r(4), r(6)])).toEqual({ apply: [], held: [r(6)] }); // passed revisions are dropped
  });
});

describe('v1 decisions (every claim, no previousRevision, no totals) upcast on read', () => {
  it('the claims are the delta, it follows revision − 1, the totals are summed from its claims', () => {
    const claims = [claim('C-1', '2024-01-10', '630.00'), claim('C-2', '2024-02-10', '0.00', { status: 'REVERSED', total: '0.00' })];
    const v1: BasicPersonYearDecidedV1 = {
      personYear: { region: '440300', personId: 'P-1', year: 2024 },
      revision: 3,
      policyRevision: 1,
      cause: { reason: 'REVERSAL', claimId: 'C-2' },
      claims,
      payments: [],
    };
    const decoded = decodeMessage(
      JSON.stringify({
        id: '00000000-0000-4000-8000-000000000001',
        type: 'basic.PersonYearDecided',
        version: 1,
        source: 'basic-insurance',
        subject: '440300:P-1:2024',
        time: '2024-06-01T08:00:00.000Z',
        correlationId: 'c',
        causationId: null,
        data: v1,
      }),
    );
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.envelope.version).toBe(2);
    expect(decoded.envelope.data).toEqual({
      ...v1,
      previousRevision: 2,
      totals: { claimCount: 2, total: '1000.00', policyScope: '1800.00', ciExtra: '0.00', basic: '630.00', compliantSelfPay: '540.00' },
    });
    expect(decoded.published?.version).toBe(1);
  });

  it('v2 refuses a decision that does not follow an earlier revision, or lacks its totals', () => {
    const data = full(2, [claim('C-1', '2024-01-10', '630.00')]);
    const envelope = (d: unknown) =>
      JSON.stringify({
        id: '00000000-0000-4000-8000-000000000002',
        type: 'basic.PersonYearDecided',
        version: 2,
        source: 'basic-insurance',
        subject: '440300:P-1:2024',
        time: '2024-06-01T08:00:00.000Z',
        correlationId: 'c',
        causationId: null,
        data: d,
      });
    expect(decodeMessage(envelope(data)).ok).toBe(true);
    expect(decodeMessage(envelope({ ...data, previousRevision: 2 }))).toMatchObject({ ok: false, reason: 'INVALID_DATA' });
    const { totals: _totals, ...withoutTotals } = data;
    expect(decodeMessage(envelope(withoutTotals))).toMatchObject({ ok: false, reason: 'INVALID_DATA' });
  });
});

describe('property: folding the deltas of any sequence of whole decisions gives back the last one', () => {
  const cents = fc.integer({ min: 0, max: 9_999_999 }).map((n) => (n / 100).toFixed(2));
  const day = fc.integer({ min: 1, max: 28 }).map((d) => `2024-0${1 + (d % 9)}-${String(d).padStart(2, '0')}`);
  /** A change to a person-year: a new or changed claim (id from a small pool), its figures, maybe reversed. */
  const change = fc.record({
    id: fc.integer({ min: 1, max: 8 }),
    serviceDate: day,
    basic: cents,
    total: cents,
    reversed: fc.boolean(),
  });
  /** Whole decisions, one per revision: each step changes some claims; none is ever removed. */
  const decisions = fc.array(fc.array(change, { maxLength: 4 }), { minLength: 1, maxLength: 12 }).map((steps) => {
    const claims = new Map<string, BasicDecidedClaim>();
    return steps.map((step, i) => {
      for (const c of step) {
        const id = `C-${c.id}`;
        const before = claims.get(id);
        claims.set(
          id,
          claim(id, c.serviceDate, c.reversed ? '0.00' : c.basic, {
            version: (before?.version ?? 0) + 1,
            status: c.reversed ? 'REVERSED' : 'LIVE',
            total: c.reversed ? '0.00' : c.total,
          }),
        );
      }
      return full(i + 1, [...claims.values()]);
    });
  });

  it('fold(deltas) = the last whole decision, at every revision; totals = the sums over the folded claims', () => {
    fc.assert(
      fc.property(decisions, (sequence) => {
        let folded: BasicPersonYearDecided | null = null;
        let previous: BasicPersonYearDecided | null = null;
        for (const next of sequence) {
          const delta = wire(previous, next);
          folded = applyDecision(folded, delta, BASIC_DECISION.order);
          expect(folded).toEqual(next);
          expect(totalsHold(BASIC_DECISION, folded)).toBe(true);
          previous = next;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a delta never carries a claim whose figures did not change', () => {
    fc.assert(
      fc.property(decisions, (sequence) => {
        sequence.forEach((next, i) => {
          const previous = i === 0 ? null : sequence[i - 1];
          const before = new Map((previous?.claims ?? []).map((c) => [c.claimId, JSON.stringify(c)]));
          for (const c of wire(previous, next).claims) expect(before.get(c.claimId)).not.toBe(JSON.stringify(c));
        });
      }),
      { numRuns: 200 },
    );
  });
});
