import type { AssistancePolicyDto, BasicPolicyDto, ClaimDto, CriticalIllnessPolicyDto } from '@msb/contracts';
import { money, ZERO } from '@msb/money';
import {
  assistancePolicyFromWire,
  basicCatalogueFromWire,
  basicPolicyFromWire,
  criticalIllnessCatalogueFromWire,
  criticalIllnessPolicyFromWire,
  hospitalFromWire,
  PoliciesInForce,
  settlePersonYear,
} from '@msb/settlement';
import { demoPolicies, generateWorkload, loadScenario } from '@msb/testing';
import {
  addPersonYear,
  assertPersonYearConserved,
  FIGURES,
  Figures,
  PersonYearNotConserved,
  PersonYearOutcome,
  RecordedPersonYear,
  resolvePersonYear,
  settleBoth,
  UnknownHospital,
  WhatIfTally,
} from './what-if.fold';

/** seed 001's worked example: 100,000 of which 80,000 in basic scope; 大病 admits the other 20,000. */
const seed = loadScenario('seed-2015-example.json');
const put = seed.steps.find((s) => s.op === 'putPolicy')! as Extract<(typeof seed.steps)[number], { op: 'putPolicy' }>;
const putCatalogue = seed.steps.find((s) => s.op === 'putCatalogue')! as Extract<(typeof seed.steps)[number], { op: 'putCatalogue' }>;
const claim = (seed.steps.find((s) => s.op === 'submitClaim')! as Extract<(typeof seed.steps)[number], { op: 'submitClaim' }>).claim;
const terms = {
  catalogue: basicCatalogueFromWire(putCatalogue.basic!),
  hospitals: new Map([['H1', hospitalFromWire({ name: 'H1', level: 3, region: '000000', designated: true })]]),
};
const policiesOf = (
  basic: BasicPolicyDto,
  criticalIllness: CriticalIllnessPolicyDto,
  assistance: AssistancePolicyDto,
): PoliciesInForce => ({
  basic: basicPolicyFromWire(basic),
  criticalIllness: criticalIllnessPolicyFromWire(criticalIllness),
  assistance: assistancePolicyFromWire(assistance),
  criticalIllnessCatalogue: criticalIllnessCatalogueFromWire(putCatalogue.criticalIllness!),
});
const inForce = policiesOf(put.basic!, put.criticalIllness!, put.assistance!);
const rate = (r: string) =>
  Object.fromEntries(['1', '2', '3'].map((l) => [l, { deductible: '0', rate: r }])) as BasicPolicyDto['inpatient'];
const drafts = policiesOf(
  { ...put.basic!, inpatient: rate('0.80') },
  { ...put.criticalIllness!, bands: [{ rate: '0.60' }] },
  { priority: ['MINIMUM_LIVING'], categories: { MINIMUM_LIVING: { threshold: '0', bands: [{ rate: '0.50' }] } } },
);
const person = (windows: RecordedPersonYear['windows'] = []): RecordedPersonYear => ({
  personId: 'P1',
  claims: [{ claim, version: 1 }],
  windows,
});

const f = (basic: string, criticalIllness: string, assistance: string, selfPay: string): Figures => ({
  basic: money(basic),
  criticalIllness: money(criticalIllness),
  assistance: money(assistance),
  selfPay: money(selfPay),
});
const outcome = (figures: Figures, category: PersonYearOutcome['category'] = null): PersonYearOutcome => ({ figures, category });

describe('a what-if of one person-year (seed 001)', () => {
  it('given the policies in force, then current and draft are the worked example: basic 56000, 大病 22000, self-pay 22000', () => {
    const tally = new WhatIfTally();
    addPersonYear(tally, { current: inForce, draft: inForce }, terms, person());
    expect(tally.result()).toEqual({
      personYears: 1,
      current: { basic: '56000.00', criticalIllness: '22000.00', assistance: '0.00', selfPay: '22000.00' },
      draft: { basic: '56000.00', criticalIllness: '22000.00', assistance: '0.00', selfPay: '22000.00' },
      delta: { basic: '0.00', criticalIllness: '0.00', assistance: '0.00', selfPay: '0.00' },
      byCategory: [],
      changedPersons: 0,
      largestChanges: [],
    });
  });

  it('given drafts of all three sections and a 低保 window, then basic 80% = 64000, 大病 60% of 36000 = 21600, assistance 50% of 14400 = 7200', () => {
    const tally = new WhatIfTally();
    addPersonYear(tally, { current: inForce, draft: drafts }, terms, person([{ category: 'MINIMUM_LIVING', validFrom: '2012-01-01' }]));
    const result = tally.result();
    expect(result).toMatchObject({
      current: { basic: '56000.00', criticalIllness: '22000.00', assistance: '0.00', selfPay: '22000.00' },
      draft: { basic: '64000.00', criticalIllness: '21600.00', assistance: '7200.00', selfPay: '7200.00' },
      delta: { basic: '8000.00', criticalIllness: '-400.00', assistance: '7200.00', selfPay: '-14800.00' },
      // the policy in force defines no category: the person-year has one only under the draft
      byCategory: [
        { category: 'MINIMUM_LIVING', personYears: { current: 0, draft: 1 }, current: '0.00', draft: '7200.00', delta: '7200.00' },
      ],
      changedPersons: 1,
    });
    expect(result.largestChanges).toEqual([
      {
        personId: 'P1',
        current: result.current,
        draft: result.draft,
        delta: result.delta,
      },
    ]);
  });

  it('given a window that does not cover the claim, then the draft pays no assistance and the person-year has no category', () => {
    const tally = new WhatIfTally();
    addPersonYear(tally, { current: inForce, draft: drafts }, terms, person([{ category: 'MINIMUM_LIVING', validFrom: '2012-06-01' }]));
    expect(tally.result()).toMatchObject({ draft: { assistance: '0.00', selfPay: '14400.00' }, byCategory: [] });
  });

  it('given a claim at a hospital the registry does not hold, then the person-year cannot be settled (UnknownHospital)', () => {
    expect(() => resolvePersonYear(person(), terms.catalogue, new Map())).toThrow(UnknownHospital);
  });
});

describe('conservation of a person-year: total = basic + 大病 + assistance + selfPay, none negative', () => {
  it('holds for the parts of the total', () => {
    expect(() => assertPersonYearConserved('P1', money('100000'), f('56000', '22000', '0', '22000'))).not.toThrow();
  });

  it.each([
    ['parts that do not add up to the total', f('56000', '22000', '0', '21999.99')],
    ['a negative part, even when they add up', f('56000', '22000', '-1', '22001')],
  ])('refuses %s', (_what, figures) => {
    expect(() => assertPersonYearConserved('P1', money('100000'), figures)).toThrow(PersonYearNotConserved);
  });

  it('given a whole workload settled under the demo policies and under drafts, then both sides add up to the same total, person-year by person-year', () => {
    const workload = generateWorkload({ seed: 3, tag: 'W', regions: ['R1'], year: 2024, people: 300, claims: 700, eligibleShare: 0.3 });
    const demo = demoPolicies();
    const wire = (b: BasicPolicyDto, c: CriticalIllnessPolicyDto, a: AssistancePolicyDto): PoliciesInForce => ({
      basic: basicPolicyFromWire(b),
      criticalIllness: criticalIllnessPolicyFromWire(c),
      assistance: assistancePolicyFromWire(a),
      criticalIllnessCatalogue: criticalIllnessCatalogueFromWire(workload.criticalIllnessCatalogue),
    });
    const current = wire(demo.basic, demo.criticalIllness, demo.assistance);
    const draft = wire(
      { ...demo.basic, annualCap: '20000', classBSelfPayRatio: '0.30' },
      { ...demo.criticalIllness, threshold: '2000', annualCap: '5000', tilt: undefined },
      { ...demo.assistance, categories: { ...demo.assistance.categories, LOW_INCOME: { threshold: '0', bands: [{ rate: '0.95' }] } } },
    );
    const wTerms = {
      catalogue: basicCatalogueFromWire(workload.catalogue),
      hospitals: new Map(workload.hospitals.map((h) => [h.hospitalId, hospitalFromWire(h.hospital)])),
    };
    const byPerson = new Map<string, ClaimDto[]>();
    for (const c of workload.claims) byPerson.set(c.personId, [...(byPerson.get(c.personId) ?? []), c]);
    const tally = new WhatIfTally(FIGURES, 1000);
    let total = ZERO;
    for (const [personId, claims] of byPerson) {
      const windows = workload.grants.filter((g) => g.personId === personId);
      addPersonYear(tally, { current, draft }, wTerms, { personId, claims: claims.map((claim) => ({ claim, version: 1 })), windows });
      for (const c of claims) for (const i of c.items) total = total.plus(i.amount);
    }
    const r = tally.result();
    const sumOf = (x: typeof r.current) => FIGURES.reduce((s, k) => s.plus(x[k]), ZERO);
    expect(sumOf(r.current).toFixed(2)).toBe(total.toFixed(2));
    expect(sumOf(r.draft).toFixed(2)).toBe(total.toFixed(2));
    expect(r.personYears).toBe(byPerson.size);
    expect(r.changedPersons).toBeGreaterThan(0);
    for (const c of r.largestChanges) expect(sumOf(c.delta as typeof r.current).toFixed(2)).toBe('0.00');
    // each category's rows add up to the assistance of its side
    const assistance = (side: 'current' | 'draft') => r.byCategory.reduce((s, row) => s.plus(row[side]), ZERO).toFixed(2);
    expect(assistance('current')).toBe(r.current.assistance);
    expect(assistance('draft')).toBe(r.draft.assistance);
  });
});

describe('the largest changes', () => {
  // person k: basic +k, 大病 −2k (a net saving of k for the payers), assistance +k for the odd ones
  const changes = Array.from({ length: 15 }, (_, k) => {
    const current = f('1000', '1000', '100', '500');
    const draft = f(String(1000 + k), String(1000 - 2 * k), String(100 + (k % 2) * k), String(500 + k - (k % 2) * k));
    return { personId: `P${String(k).padStart(2, '0')}`, current: outcome(current), draft: outcome(draft) };
  });
  const fold = (list: typeof changes, shown?: ConstructorParameters<typeof WhatIfTally>[0]) => {
    const tally = new WhatIfTally(shown);
    for (const c of list) tally.add(c.personId, c.current, c.draft);
    return tally.result();
  };

  it('lists at most ten, the largest |Σ payers’ delta| first, equal ones by person id, an unchanged person never', () => {
    const result = fold(changes);
    // even k: |k − 2k| = k; odd k: |k − 2k + k| = 0 (the payers' total does not move, their split does)
    expect(result.largestChanges.map((c) => c.personId)).toEqual(['P14', 'P12', 'P10', 'P08', 'P06', 'P04', 'P02', 'P01', 'P03', 'P05']);
    expect(result.changedPersons).toBe(14); // P00 changed nothing
    expect(result.largestChanges[0]).toEqual({
      personId: 'P14',
      current: { basic: '1000.00', criticalIllness: '1000.00', assistance: '100.00', selfPay: '500.00' },
      draft: { basic: '1014.00', criticalIllness: '972.00', assistance: '100.00', selfPay: '514.00' },
      delta: { basic: '14.00', criticalIllness: '-28.00', assistance: '0.00', selfPay: '14.00' },
    });
  });

  it('gives the same answer when the person-years are folded in several tallies and absorbed into one (the worker threads)', () => {
    const whole = fold(changes);
    const merged = new WhatIfTally();
    for (const part of [changes.slice(0, 4), changes.slice(4, 11), changes.slice(11)]) {
      const tally = new WhatIfTally();
      for (const c of part) tally.add(c.personId, c.current, { ...c.draft, category: c.personId < 'P05' ? 'LOW_INCOME' : null });
      merged.absorb(tally.snapshot());
    }
    const single = new WhatIfTally();
    for (const c of changes) single.add(c.personId, c.current, { ...c.draft, category: c.personId < 'P05' ? 'LOW_INCOME' : null });
    expect(merged.result()).toEqual(single.result());
    expect(merged.result().largestChanges).toEqual(whole.largestChanges);
    expect(merged.result().byCategory).toEqual([
      { category: 'LOW_INCOME', personYears: { current: 0, draft: 5 }, current: '0.00', draft: '504.00', delta: '504.00' },
    ]);
  });

  it('does not depend on the order the person-years arrive in', () => {
    const shuffled = [...changes].sort((a, b) => (a.personId.split('').reverse().join() < b.personId.split('').reverse().join() ? -1 : 1));
    expect(fold(shuffled)).toEqual(fold(changes));
    expect(fold([...changes].reverse())).toEqual(fold(changes));
  });

  it('for the insurer, shows and ranks by basic and 大病 only, and never lists a change it cannot see', () => {
    const onlyAssistance = { personId: 'PA', current: outcome(f('0', '0', '500', '500')), draft: outcome(f('0', '0', '900', '100')) };
    const result = fold([...changes, onlyAssistance], ['basic', 'criticalIllness']);
    // |k − 2k| = k for every k
    expect(result.largestChanges.map((c) => c.personId)).toEqual(['P14', 'P13', 'P12', 'P11', 'P10', 'P09', 'P08', 'P07', 'P06', 'P05']);
    expect(result.largestChanges[1]).toEqual({
      personId: 'P13',
      current: { basic: '1000.00', criticalIllness: '1000.00' },
      draft: { basic: '1013.00', criticalIllness: '974.00' },
      delta: { basic: '13.00', criticalIllness: '-26.00' },
    });
    // the sums and the count are over every figure
    expect(result.changedPersons).toBe(15);
    expect(result.delta.assistance).toBe(fold([...changes, onlyAssistance]).delta.assistance);
  });
});

describe('settling both sides in stages', () => {
  const workload = generateWorkload({ seed: 5, tag: 'S', regions: ['R1'], year: 2024, people: 120, claims: 300, eligibleShare: 0.4 });
  const demo = demoPolicies();
  const covered = criticalIllnessCatalogueFromWire(workload.criticalIllnessCatalogue);
  const current: PoliciesInForce = {
    basic: basicPolicyFromWire(demo.basic),
    criticalIllness: criticalIllnessPolicyFromWire(demo.criticalIllness),
    assistance: assistancePolicyFromWire(demo.assistance),
    criticalIllnessCatalogue: covered,
  };
  const replaced = {
    basic: basicPolicyFromWire({ ...demo.basic, classBSelfPayRatio: '0.25' }),
    criticalIllness: criticalIllnessPolicyFromWire({ ...demo.criticalIllness, threshold: '3000' }),
    assistance: assistancePolicyFromWire({
      ...demo.assistance,
      categories: { ...demo.assistance.categories, MINIMUM_LIVING: { threshold: '0', bands: [{ rate: '0.95' }] } },
    }),
  };
  const catalogue = basicCatalogueFromWire(workload.catalogue);
  const hospitals = new Map(workload.hospitals.map((h) => [h.hospitalId, hospitalFromWire(h.hospital)]));
  const people = [...new Set(workload.claims.map((c) => c.personId))].map((personId) => ({
    personId,
    claims: resolvePersonYear(
      { personId, claims: workload.claims.filter((c) => c.personId === personId).map((claim) => ({ claim, version: 1 })), windows: [] },
      catalogue,
      hospitals,
    ),
    windows: workload.grants.filter((g) => g.personId === personId),
  }));
  const outcome = (p: PoliciesInForce, person: (typeof people)[number]) => {
    const s = settlePersonYear(p, person.claims, person.windows);
    return {
      figures: { basic: s.basic, criticalIllness: s.criticalIllness, assistance: s.assistance, selfPay: s.selfPay },
      category: s.assistanceCategory,
    };
  };

  it.each([
    [[]],
    [['basic']],
    [['criticalIllness']],
    [['assistance']],
    [['criticalIllness', 'assistance']],
    [['basic', 'criticalIllness', 'assistance']],
  ] as const)('given drafts of %j, then each side equals settlePersonYear under its own policies', (sections) => {
    const draft: PoliciesInForce = { ...current, ...Object.fromEntries(sections.map((k) => [k, replaced[k]])) };
    let changed = 0;
    for (const person of people) {
      const both = settleBoth({ current, draft: sections.length === 0 ? current : draft }, person.personId, person.claims, person.windows);
      expect(both.current).toEqual(outcome(current, person));
      expect(both.draft).toEqual(outcome(draft, person));
      if (!both.draft.figures.selfPay.eq(both.current.figures.selfPay)) changed += 1;
    }
    if (sections.length > 0) expect(changed).toBeGreaterThan(0);
  });
});
