import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AssistancePolicyDto,
  BasicDecidedClaim,
  canonicalJson,
  CriticalIllnessPolicyDto,
  decodeMessage,
  eligibilityWindows,
  GrantDto,
} from '@msb/contracts';
import { money } from '@msb/money';
import fc from 'fast-check';
import { decideAssistancePersonYear } from './assistance.decision';
import { decideCriticalIllnessPersonYear } from './critical-illness.decision';
import { effectiveTerms } from './critical-illness.rules';
import { yearCategory } from './assistance.rules';
import { CATEGORIES, Category, EligibilitySpan, Grant, VISIT_TYPES } from './domain.types';
import { applyFact, emptyFactBook } from './facts.fold';
import { categoriesAt, covers, dayBefore, lastDayBefore } from './grants.rules';
import { assistancePolicyFromWire, criticalIllnessPolicyFromWire } from './wire.mapping';

/**
 * 大病 and audit decide on the windows civil affairs publishes (assistance.eligibility v2, or a
 * v1 grant list upcast to windows); assistance decides on its own grants. Whatever grants and
 * revocations happened, the rules must decide exactly alike on both.
 */

const PERSON = 'P-W';
const day = (offset: number) => new Date(Date.UTC(2024, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);

type Op =
  | { t: 'grant'; category: Category; from: number; length?: number }
  | { t: 'revoke'; pick: number }
  | { t: 'end'; pick: number; after: number };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record(
    {
      t: fc.constant('grant' as const),
      category: fc.constantFrom(...CATEGORIES),
      from: fc.integer({ min: -120, max: 400 }),
      length: fc.integer({ min: 0, max: 300 }),
    },
    { requiredKeys: ['t', 'category', 'from'] },
  ),
  fc.record({ t: fc.constant('revoke' as const), pick: fc.nat() }),
  // a revocation from a date: `after` days after the grant's validFrom (0: its first day)
  fc.record({ t: fc.constant('end' as const), pick: fc.nat(), after: fc.integer({ min: 0, max: 320 }) }),
);

/** The person's grants after the operations, folded as every consumer of facts folds them (revoking twice changes nothing). */
function grantsAfter(ops: readonly Op[]): Grant[] {
  const book = emptyFactBook();
  let n = 0;
  for (const o of ops) {
    if (o.t === 'grant') {
      n += 1;
      const grant: Grant = { grantId: `G-${n}`, personId: PERSON, category: o.category, validFrom: day(o.from), revoked: false };
      if (o.length !== undefined) grant.validTo = day(o.from + o.length);
      applyFact(book, { type: 'EligibilityGranted', grant });
    } else if (n > 0 && o.t === 'revoke') {
      applyFact(book, { type: 'EligibilityRevoked', grantId: `G-${(o.pick % n) + 1}` });
    } else if (n > 0 && o.t === 'end') {
      const grantId = `G-${(o.pick % n) + 1}`;
      const from = book.grants.get(grantId)!.validFrom;
      const effectiveFrom = new Date(Date.parse(`${from}T00:00:00Z`) + o.after * 86_400_000).toISOString().slice(0, 10);
      applyFact(book, { type: 'EligibilityRevoked', grantId, effectiveFrom });
    }
  }
  return [...book.grants.values()];
}

/** The grants as civil affairs published them in v1 (GrantDto, with reasons and times). */
const asV1Dto = (g: Grant): GrantDto => ({
  ...g,
  grantedAt: '2024-01-01T00:00:00.000Z',
  ...(g.revoked ? { revokedReason: 'moved away', revokedAt: '2024-06-01T00:00:00.000Z' } : {}),
});

/** The windows a v1 event of these grants is upcast to when 大病 or audit reads it. */
function upcastWindows(grants: readonly Grant[]): EligibilitySpan[] {
  const decoded = decodeMessage(
    JSON.stringify({
      id: '00000000-0000-4000-8000-000000000001',
      type: 'assistance.EligibilityRevoked',
      version: 1,
      source: 'assistance',
      subject: PERSON,
      time: '2024-06-01T00:00:00.000Z',
      correlationId: 'c-1',
      causationId: null,
      data: { personId: PERSON, grantId: 'G-1', reason: 'moved away', eligibilityRevision: 3, grants: grants.map(asV1Dto) },
    }),
  );
  if (!decoded.ok || decoded.envelope.type !== 'assistance.EligibilityRevoked') throw new Error(`not decoded: ${JSON.stringify(decoded)}`);
  return decoded.envelope.data.windows;
}

const sorted = (set: Set<Category>) => [...set].sort();
/** Every day from before the earliest to after the latest date a grant can have. */
const ALL_DAYS = Array.from({ length: 400 + 300 + 120 + 4 }, (_, i) => day(i - 122));

const POLICY = (
  JSON.parse(readFileSync(join(__dirname, '../../../scenarios/retroactive-eligibility.json'), 'utf8')) as {
    steps: { op: string; criticalIllness?: CriticalIllnessPolicyDto; assistance?: AssistancePolicyDto }[];
  }
).steps.find((s) => s.op === 'putPolicy') as { criticalIllness: CriticalIllnessPolicyDto; assistance: AssistancePolicyDto };

/** The scenario's policies with a random set of tilt categories and of assistance categories in a random priority. */
const policies = fc
  .record({
    tilt: fc.subarray([...CATEGORIES]),
    assisted: fc.subarray([...CATEGORIES], { minLength: 1 }),
    priority: fc.shuffledSubarray([...CATEGORIES], { minLength: CATEGORIES.length }),
  })
  .map(({ tilt, assisted, priority }) => ({
    criticalIllness: criticalIllnessPolicyFromWire({
      ...POLICY.criticalIllness,
      tilt: { ...POLICY.criticalIllness.tilt!, categories: tilt },
    }),
    assistance: assistancePolicyFromWire({
      ...POLICY.assistance,
      priority,
      categories: Object.fromEntries(assisted.map((c) => [c, POLICY.assistance.categories[c]])),
    }),
  }));

/** Basic's decided claims of the year as 大病 receives them: dates, visit types, compliant self-pay, some reversed. */
const basicClaims: fc.Arbitrary<BasicDecidedClaim[]> = fc
  .array(
    fc.record({
      day: fc.integer({ min: 0, max: 365 }),
      visitType: fc.constantFrom(...VISIT_TYPES),
      selfPay: fc.integer({ min: 0, max: 9_000_000 }),
      reversed: fc.boolean(),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((list) =>
    list.map((c, i): BasicDecidedClaim => {
      const amount = (c.selfPay / 100).toFixed(2);
      return {
        claimId: `C-${i}`,
        version: 1,
        status: c.reversed ? 'REVERSED' : 'LIVE',
        serviceDate: day(c.day),
        visitType: c.visitType,
        total: amount,
        policyScope: amount,
        ciExtra: '0.00',
        basic: '0.00',
        compliantSelfPay: amount,
      };
    }),
  );

describe('eligibility windows decide exactly as the grants they came from', () => {
  it('a window is a grant in force: revoked grants are none, the v1 upcast gives the same windows, ids and reasons are gone', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 12 }), (ops) => {
        const grants = grantsAfter(ops);
        const windows = eligibilityWindows(grants);

        expect(upcastWindows(grants)).toEqual(windows);
        for (const w of windows)
          expect(Object.keys(w).sort()).toEqual(w.validTo === undefined ? ['category', 'validFrom'] : ['category', 'validFrom', 'validTo']);
        expect(windows.length).toBeLessThanOrEqual(grants.filter((g) => !g.revoked).length);
      }),
      { numRuns: 300 },
    );
  });

  it('covers and categoriesAt: on every day, the categories of the grants in force are those of the windows', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 12 }), (ops) => {
        const grants = grantsAfter(ops);
        const windows = eligibilityWindows(grants);
        const differing = ALL_DAYS.filter(
          (d) =>
            sorted(categoriesAt(windows, d)).join() !== sorted(categoriesAt(grants, d)).join() ||
            grants.some((g) => covers(g, d) && !windows.some((w) => w.category === g.category && covers(w, d))),
        );
        expect(differing).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('大病 (tilt and every amount) and assistance (category, base and every amount) decide alike on windows and on grants', () => {
    const seen = { tilted: 0, assisted: 0, revokedOnClaim: 0 };
    fc.assert(
      fc.property(fc.array(op, { maxLength: 10 }), policies, basicClaims, (ops, policy, claims) => {
        const grants = grantsAfter(ops);
        const windows = eligibilityWindows(grants);
        const onGrants = { revision: 7, windows: grants };
        const onWindows = { revision: 7, windows };
        const live = claims.filter((c) => c.status === 'LIVE');

        expect(effectiveTerms(policy.criticalIllness, live, windows)).toEqual(effectiveTerms(policy.criticalIllness, live, grants));

        const basic = { revision: 3, claims };
        const ciOnGrants = decideCriticalIllnessPersonYear(policy.criticalIllness, basic, onGrants, {}, 'ELIGIBILITY_GRANTED');
        const ciOnWindows = decideCriticalIllnessPersonYear(policy.criticalIllness, basic, onWindows, {}, 'ELIGIBILITY_GRANTED');
        expect(canonicalJson(ciOnWindows)).toBe(canonicalJson(ciOnGrants));

        const ci = { revision: 4, basicRevision: 3, claims: ciOnGrants.summary.claims };
        const inputs = ci.claims
          .filter((c) => c.status === 'LIVE')
          .map((c) => ({ ...c, compliantSelfPay: money(c.compliantSelfPay), criticalIllness: money(c.criticalIllness) }));
        expect(yearCategory(policy.assistance, inputs, windows)).toEqual(yearCategory(policy.assistance, inputs, grants));
        const aOnGrants = decideAssistancePersonYear(policy.assistance, ci, onGrants, {}, 'ELIGIBILITY_GRANTED');
        const aOnWindows = decideAssistancePersonYear(policy.assistance, ci, onWindows, {}, 'ELIGIBILITY_GRANTED');
        expect(canonicalJson(aOnWindows)).toBe(canonicalJson(aOnGrants));

        if (ciOnGrants.summary.tilted) seen.tilted += 1;
        if (aOnGrants.summary.entitlement !== '0.00') seen.assisted += 1;
        if (live.some((c) => grants.some((g) => g.revoked && covers({ ...g, revoked: false }, c.serviceDate)))) seen.revokedOnClaim += 1;
      }),
      { numRuns: 300 },
    );
    // the property was exercised: tilted years, assisted years, claims inside a revoked grant
    expect(seen.tilted).toBeGreaterThan(10);
    expect(seen.assisted).toBeGreaterThan(10);
    expect(seen.revokedOnClaim).toBeGreaterThan(10);
  });
});

describe('a revocation from a date ends the grant the day before (资格终止)', () => {
  it('dayBefore crosses months, leap days and years', () => {
    expect(dayBefore('2024-10-01')).toBe('2024-09-30');
    expect(dayBefore('2024-03-01')).toBe('2024-02-29');
    expect(dayBefore('2023-03-01')).toBe('2023-02-28');
    expect(dayBefore('2025-01-01')).toBe('2024-12-31');
    expect(dayBefore('2024-06-16')).toBe('2024-06-15');
    expect(dayBefore('1900-03-01')).toBe('1900-02-28'); // 1900 was no leap year
    expect(dayBefore('2000-03-01')).toBe('2000-02-29');
  });

  it('the last day is effectiveFrom − 1 day, never later than the grant already ended', () => {
    expect(lastDayBefore({}, '2024-10-01')).toBe('2024-09-30');
    expect(lastDayBefore({ validTo: '2024-12-31' }, '2024-10-01')).toBe('2024-09-30');
    expect(lastDayBefore({ validTo: '2024-06-30' }, '2024-10-01')).toBe('2024-06-30');
    expect(lastDayBefore({ validTo: '2024-09-30' }, '2024-10-01')).toBe('2024-09-30');
  });

  it('claims before the date stay covered, claims on or after it are not; revoked from its first day it covers nothing', () => {
    const book = emptyFactBook();
    const grant: Grant = { grantId: 'G-D', personId: PERSON, category: 'MINIMUM_LIVING', validFrom: '2024-01-01', revoked: false };
    applyFact(book, { type: 'EligibilityGranted', grant });
    applyFact(book, { type: 'EligibilityRevoked', grantId: 'G-D', effectiveFrom: '2024-10-01' });
    const ended = book.grants.get('G-D')!;
    expect(ended).toMatchObject({ validTo: '2024-09-30', revoked: false });
    expect(['2024-01-01', '2024-09-30'].map((d) => covers(ended, d))).toEqual([true, true]);
    expect(['2024-10-01', '2024-12-31'].map((d) => covers(ended, d))).toEqual([false, false]);
    expect(eligibilityWindows([ended])).toEqual([{ category: 'MINIMUM_LIVING', validFrom: '2024-01-01', validTo: '2024-09-30' }]);

    const fromStart = { ...grant, validTo: lastDayBefore(grant, grant.validFrom) };
    expect(ALL_DAYS.some((d) => covers(fromStart, d))).toBe(false);
    expect(eligibilityWindows([fromStart])).toEqual([]);
  });
});
