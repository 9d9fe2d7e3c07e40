import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { AssistancePolicyDto, BasicPolicyDto, CriticalIllnessPolicyDto } from '@msb/contracts';
import { Band, Decimal, Money, print, sum, ZERO } from '@msb/money';
import { conservationProblems } from './conservation.rules';
import { categoriesAt } from './grants.rules';
import { PersonYearPolicies, settlePersonYear, SettledPersonYear } from './person-year.rules';
import {
  AssistanceCategoryPolicy,
  AssistancePolicy,
  BasicPolicy,
  CATEGORIES,
  Category,
  Claim,
  ClaimItem,
  CriticalIllnessPolicy,
  DeductibleAndRate,
  Grant,
  HOSPITAL_LEVELS,
  LevelTable,
  VISIT_TYPES,
} from './domain.types';
import { assistancePolicyFromWire, basicPolicyFromWire, criticalIllnessPolicyFromWire } from './wire.mapping';

/**
 * Properties of the rules over random person-year facts: random claims (A/B/C items in cents as
 * the catalogue classifies them, some by codes it does not list; visit types, hospital levels,
 * dates within 2024), random grants, either the policies of scenarios/generated-1.json or random
 * policies, and a random 大病 catalogue of the codes outside basic scope.
 */

const NUM_RUNS = 200;

// ---- policies -------------------------------------------------------------------------------

const generated = JSON.parse(readFileSync(join(__dirname, '../../../scenarios/generated-1.json'), 'utf8')) as {
  steps: { op: string; basic?: BasicPolicyDto; criticalIllness?: CriticalIllnessPolicyDto; assistance?: AssistancePolicyDto }[];
};
const realisticPolicies: PersonYearPolicies[] = generated.steps
  .filter((s) => s.op === 'putPolicy' && s.basic && s.criticalIllness && s.assistance)
  .map((s) => ({
    basic: basicPolicyFromWire(s.basic as BasicPolicyDto),
    criticalIllness: criticalIllnessPolicyFromWire(s.criticalIllness as CriticalIllnessPolicyDto),
    assistance: assistancePolicyFromWire(s.assistance as AssistancePolicyDto),
  }));

const centsToMoney = (c: number): Decimal => new Money(c).div(100);
const cents = (min: number, max: number) => fc.integer({ min, max }).map(centsToMoney);
/** A rate in whole points: 0.00 … 1.00. */
const rate = fc.integer({ min: 0, max: 100 }).map((n) => new Money(n).div(100));
/** A rate with up to six decimals, as the wire allows. */
const fineRate = fc.integer({ min: 0, max: 1_000_000 }).map((n) => new Money(n).div(1_000_000));
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const deductibleAndRate: fc.Arbitrary<DeductibleAndRate> = fc.record({ deductible: cents(0, 300_000), rate });
const levelTable: fc.Arbitrary<LevelTable> = fc.record({ 1: deductibleAndRate, 2: deductibleAndRate, 3: deductibleAndRate });

const randomBasic: fc.Arbitrary<BasicPolicy> = fc.record({
  annualCap: cents(0, 50_000_000),
  outpatientAnnualCap: optional(cents(0, 500_000)),
  offRegionRateCut: optional(rate),
  repeatAdmissionDeductibleFactor: optional(fc.integer({ min: 0, max: 20 }).map((n) => new Money(n).div(10))),
  classBSelfPayRatio: fineRate,
  inpatient: levelTable,
  outpatientChronic: levelTable,
  outpatient: levelTable,
});

/** 0–3 closed bands with increasing upTo, then a last band that is open or (sometimes) closed. */
const bands: fc.Arbitrary<Band[]> = fc
  .tuple(
    fc.array(fc.tuple(fc.integer({ min: 1, max: 5_000_000 }), rate), { maxLength: 3 }),
    rate,
    optional(fc.integer({ min: 1, max: 5_000_000 })),
  )
  .map(([closed, lastRate, lastStep]) => {
    let upTo = ZERO;
    const result: Band[] = closed.map(([step, r]) => {
      upTo = upTo.plus(centsToMoney(step));
      return { upTo, rate: r };
    });
    result.push(lastStep === undefined ? { rate: lastRate } : { upTo: upTo.plus(centsToMoney(lastStep)), rate: lastRate });
    return result;
  });

const randomCriticalIllness: fc.Arbitrary<CriticalIllnessPolicy> = fc.record({
  threshold: cents(0, 5_000_000),
  bands,
  annualCap: optional(cents(0, 50_000_000)),
  visitTypes: fc.subarray([...VISIT_TYPES], { minLength: 1 }),
  tilt: optional(
    fc.record({
      categories: fc.subarray([...CATEGORIES], { minLength: 1 }),
      thresholdFactor: fineRate,
      rateBonus: rate,
      noCap: fc.boolean(),
    }),
  ),
});

const assistanceTerms: fc.Arbitrary<AssistanceCategoryPolicy> = fc.record({
  threshold: cents(0, 1_000_000),
  bands,
  annualCap: optional(cents(0, 20_000_000)),
});

const randomAssistance: fc.Arbitrary<AssistancePolicy> = fc
  .tuple(
    fc.shuffledSubarray([...CATEGORIES], { minLength: CATEGORIES.length, maxLength: CATEGORIES.length }),
    fc.subarray([...VISIT_TYPES], { minLength: 1 }),
    fc.tuple(...CATEGORIES.map(() => optional(assistanceTerms))),
  )
  .map(([priority, visitTypes, terms]) => {
    const categories: Partial<Record<Category, AssistanceCategoryPolicy>> = {};
    CATEGORIES.forEach((c, i) => {
      if (terms[i]) categories[c] = terms[i];
    });
    return { priority, visitTypes, categories };
  });

/** Codes outside basic scope: 丙类 items of the catalogue, and one it does not list (paid as 丙类). */
const OUTSIDE_CODES = ['C-OTHER', 'C-NEGOTIATED', 'X-UNLISTED'] as const;
const NOT_LISTED = 'X-UNLISTED';

/** 大病's catalogue: some of the codes outside basic scope (谈判药 and the like). */
const criticalIllnessCatalogue = fc.subarray([...OUTSIDE_CODES]).map((codes): ReadonlySet<string> => new Set(codes));

const policies: fc.Arbitrary<PersonYearPolicies> = fc.oneof(
  fc
    .tuple(fc.constantFrom(...realisticPolicies), criticalIllnessCatalogue)
    .map(([p, covered]) => ({ ...p, criticalIllnessCatalogue: covered })),
  fc.record({ basic: randomBasic, criticalIllness: randomCriticalIllness, assistance: randomAssistance, criticalIllnessCatalogue }),
);

// ---- claims and grants ----------------------------------------------------------------------

const PERSON = 'P-PROP';
const REGION = '150100';
const YEAR_START = Date.UTC(2024, 0, 1);
const dayOf2024 = (day: number): string => new Date(YEAR_START + day * 86_400_000).toISOString().slice(0, 10);

/** Mostly everyday amounts, sometimes very large ones so that caps and upper bands are reached. */
const amount = fc.oneof(cents(1, 500_000), cents(1, 50_000_000));

/** An item as resolveClaim classifies it: A and B codes are listed; a C code is listed unless it is X-UNLISTED. */
type ItemBody = Omit<ClaimItem, 'code'> & { code?: string };
const item: fc.Arbitrary<ItemBody> = fc.oneof(
  fc.record({ category: fc.constant('A' as const), amount, inCatalogue: fc.constant(true) }),
  fc.record({ category: fc.constant('B' as const), amount, selfPayRatio: optional(fineRate), inCatalogue: fc.constant(true) }),
  fc
    .record({ category: fc.constant('C' as const), amount, code: fc.constantFrom(...OUTSIDE_CODES) })
    .map((i) => ({ ...i, inCatalogue: i.code !== NOT_LISTED })),
);

const claimBody = fc.record({
  level: fc.constantFrom(...HOSPITAL_LEVELS),
  inRegion: fc.boolean(),
  visitType: fc.constantFrom(...VISIT_TYPES),
  day: fc.integer({ min: 0, max: 365 }), // 2024 has 366 days
  stay: fc.integer({ min: 0, max: 30 }),
  items: fc.array(item, { minLength: 1, maxLength: 5 }),
});

const claims: fc.Arbitrary<Claim[]> = fc.array(claimBody, { minLength: 1, maxLength: 8 }).map((bodies) =>
  bodies.map((b, i): Claim => ({
    claimId: `C-${String(i).padStart(2, '0')}`,
    version: 1,
    personId: PERSON,
    region: REGION,
    hospital: { id: `H-${b.level}`, level: b.level, inRegion: b.inRegion },
    visitType: b.visitType,
    admissionDate: b.visitType === 'INPATIENT' ? dayOf2024(Math.max(0, b.day - b.stay)) : undefined,
    serviceDate: dayOf2024(b.day),
    diagnosis: ['C34.9'],
    items: b.items.map((it, j) => ({ ...it, code: it.code ?? `ITEM-${it.category}-${j}` })),
  })),
);

const grants: fc.Arbitrary<Grant[]> = fc
  .array(
    fc.record({
      category: fc.constantFrom(...CATEGORIES),
      from: fc.integer({ min: -200, max: 365 }),
      length: optional(fc.integer({ min: 0, max: 400 })),
      revoked: fc.integer({ min: 0, max: 3 }).map((n) => n === 0), // a quarter of the grants are revoked
    }),
    { maxLength: 3 },
  )
  .map((list) =>
    list.map((g, i): Grant => ({
      grantId: `G-${i}`,
      personId: PERSON,
      category: g.category,
      validFrom: dayOf2024(g.from),
      validTo: g.length === undefined ? undefined : dayOf2024(g.from + g.length),
      revoked: g.revoked,
    })),
  );

interface YearFacts {
  policies: PersonYearPolicies;
  claims: Claim[];
  grants: Grant[];
}
const yearFacts: fc.Arbitrary<YearFacts> = fc.record({ policies, claims, grants });

const settle = (f: YearFacts): SettledPersonYear => settlePersonYear(f.policies, f.claims, f.grants);

/** Everything a slip and a ledger show, keyed by claim, in print form. */
function outcome(s: SettledPersonYear) {
  return {
    claims: Object.fromEntries(
      s.claims.map((c) => [
        c.claimId,
        {
          total: print(c.total),
          policyScope: print(c.policyScope),
          basic: print(c.basic),
          criticalIllness: print(c.criticalIllness),
          assistance: print(c.assistance),
          selfPay: print(c.selfPay),
        },
      ]),
    ),
    basic: print(s.basic),
    criticalIllness: print(s.criticalIllness),
    assistance: print(s.assistance),
    total: print(s.total),
    selfPay: print(s.selfPay),
    tilted: s.tilted,
    assistanceCategory: s.assistanceCategory,
  };
}

const run = <T>(property: fc.IProperty<T>): void => fc.assert(property, { numRuns: NUM_RUNS });

// ---- the properties -------------------------------------------------------------------------

describe('settlement properties over random person-years', () => {
  it('conserves every claim: total = basic + 大病 + assistance + self-pay, every term ≥ 0 and in cents', () => {
    run(
      fc.property(yearFacts, (f) => {
        const settled = settle(f); // asserts conservation itself
        expect(settled.claims).toHaveLength(f.claims.length);
        for (const c of settled.claims) {
          expect(conservationProblems(c)).toEqual([]);
          for (const v of [c.total, c.policyScope, c.basic, c.criticalIllness, c.assistance, c.selfPay]) {
            expect(v.isNegative()).toBe(false);
            expect(() => print(v)).not.toThrow();
          }
          expect(c.basic.lte(c.policyScope)).toBe(true);
          expect(c.policyScope.lte(c.total)).toBe(true);
        }
        expect(settled.total.eq(sum(f.claims.flatMap((c) => c.items.map((i) => i.amount))))).toBe(true);
      }),
    );
  });

  it('per-claim basic, 大病 and assistance sum exactly to the year’s figures', () => {
    run(
      fc.property(yearFacts, (f) => {
        const settled = settle(f);
        expect(print(sum(settled.claims.map((c) => c.basic)))).toBe(print(settled.basic));
        expect(print(sum(settled.claims.map((c) => c.criticalIllness)))).toBe(print(settled.criticalIllness));
        expect(print(sum(settled.claims.map((c) => c.assistance)))).toBe(print(settled.assistance));
        expect(print(sum(settled.claims.map((c) => c.selfPay)))).toBe(print(settled.selfPay));
      }),
    );
  });

  it('never exceeds an annual cap', () => {
    run(
      fc.property(yearFacts, (f) => {
        const settled = settle(f);
        const { basic, criticalIllness, assistance } = f.policies;
        expect(settled.basic.lte(basic.annualCap)).toBe(true);

        const outpatient = new Set(f.claims.filter((c) => c.visitType === 'OUTPATIENT').map((c) => c.claimId));
        const outpatientBasic = sum(settled.claims.filter((c) => outpatient.has(c.claimId)).map((c) => c.basic));
        if (basic.outpatientAnnualCap !== undefined) expect(outpatientBasic.lte(basic.outpatientAnnualCap)).toBe(true);

        const uncapped = settled.tilted && criticalIllness.tilt?.noCap === true;
        if (criticalIllness.annualCap !== undefined && !uncapped) expect(settled.criticalIllness.lte(criticalIllness.annualCap)).toBe(true);

        if (settled.assistanceCategory === null) {
          expect(settled.assistance.isZero()).toBe(true);
        } else {
          const terms = assistance.categories[settled.assistanceCategory];
          expect(terms).toBeDefined();
          if (terms?.annualCap !== undefined) expect(settled.assistance.lte(terms.annualCap)).toBe(true);
        }
      }),
    );
  });

  it('does not depend on the order the claims and grants are given in', () => {
    const shuffled = yearFacts.chain((f) =>
      fc.tuple(
        fc.constant(f),
        fc.shuffledSubarray(f.claims, { minLength: f.claims.length, maxLength: f.claims.length }),
        fc.shuffledSubarray(f.grants, { minLength: f.grants.length, maxLength: f.grants.length }),
      ),
    );
    run(
      fc.property(shuffled, ([f, claimsInOtherOrder, grantsInOtherOrder]) => {
        const reordered = settle({ ...f, claims: claimsInOtherOrder, grants: grantsInOtherOrder });
        expect(outcome(reordered)).toEqual(outcome(settle(f)));
      }),
    );
  });

  /** One claim gets an extra category A item. */
  const withExtraCost = (f: YearFacts) =>
    fc.tuple(fc.integer({ min: 0, max: f.claims.length - 1 }), amount).map(([index, extra]) => {
      const more = f.claims.map((c, i) =>
        i === index ? { ...c, items: [...c.items, { code: 'EXTRA-A', category: 'A' as const, amount: extra, inCatalogue: true }] } : c,
      );
      return { before: f, after: { ...f, claims: more } };
    });

  it('adding cost to a claim never lowers the basic or the 大病 annual total', () => {
    run(
      fc.property(yearFacts.chain(withExtraCost), ({ before, after }) => {
        const a = settle(before);
        const b = settle(after);
        expect(b.total.gt(a.total)).toBe(true);
        expect(b.basic.gte(a.basic)).toBe(true);
        expect(b.criticalIllness.gte(a.criticalIllness)).toBe(true);
        expect(b.criticalIllnessBase.gte(a.criticalIllnessBase)).toBe(true);
      }),
    );
  });

  it('adding cost to a claim never lowers the assistance annual total when every claim of the year is eligible', () => {
    // Every claim eligible: assistance admits all visit types and a grant of a defined category covers the whole year.
    const allEligible = yearFacts.map((f): YearFacts => {
      const defined = f.policies.assistance.priority.find((c) => f.policies.assistance.categories[c] !== undefined) ?? 'MINIMUM_LIVING';
      const categories = { ...f.policies.assistance.categories };
      categories[defined] ??= { threshold: new Money('1000'), bands: [{ rate: new Money('0.7') }] };
      return {
        ...f,
        policies: { ...f.policies, assistance: { ...f.policies.assistance, visitTypes: [...VISIT_TYPES], categories } },
        grants: [
          ...f.grants,
          { grantId: 'G-YEAR', personId: PERSON, category: defined, validFrom: '2024-01-01', validTo: '2024-12-31', revoked: false },
        ],
      };
    });
    run(
      fc.property(allEligible.chain(withExtraCost), ({ before, after }) => {
        for (const c of before.claims)
          expect([...categoriesAt(before.grants, c.serviceDate)].some((cat) => before.policies.assistance.categories[cat])).toBe(true);
        const a = settle(before);
        const b = settle(after);
        expect(b.assistanceCategory).toBe(a.assistanceCategory);
        expect(b.assistance.gte(a.assistance)).toBe(true);
        expect(b.basic.gte(a.basic)).toBe(true);
        expect(b.criticalIllness.gte(a.criticalIllness)).toBe(true);
      }),
    );
  });

  it('admitting one more code into 大病’s catalogue changes nothing of basic and never lowers the 大病 base or total', () => {
    const widened = yearFacts.chain((f) =>
      fc.constantFrom(...OUTSIDE_CODES).map((code) => ({
        before: f,
        after: {
          ...f,
          policies: { ...f.policies, criticalIllnessCatalogue: new Set([...(f.policies.criticalIllnessCatalogue ?? []), code]) },
        },
      })),
    );
    run(
      fc.property(widened, ({ before, after }) => {
        const a = settle(before);
        const b = settle(after);
        expect(b.claims.map((c) => [c.claimId, print(c.policyScope), print(c.basic)])).toEqual(
          a.claims.map((c) => [c.claimId, print(c.policyScope), print(c.basic)]),
        );
        expect(b.criticalIllnessBase.gte(a.criticalIllnessBase)).toBe(true);
        expect(b.criticalIllness.gte(a.criticalIllness)).toBe(true);
      }),
    );
  });

  it('pays an item outside basic scope the same whether the catalogue lists it as 丙类 or does not list it', () => {
    const relisted = yearFacts.map((f) => ({
      before: f,
      after: {
        ...f,
        claims: f.claims.map((c) => ({
          ...c,
          items: c.items.map((i) => (i.category === 'C' ? { ...i, inCatalogue: !i.inCatalogue } : i)),
        })),
      },
    }));
    run(fc.property(relisted, ({ before, after }) => expect(outcome(settle(after))).toEqual(outcome(settle(before)))));
  });

  it('(documented rule, not an invariant) assistance can fall when cost is added to a claim outside the eligibility period', () => {
    // The assistance base counts only eligible claims' remainder after 大病 (DOMAIN.md), while 大病's
    // band position counts every claim of the year. A costlier claim before the grant moves the eligible
    // claim above the 大病 threshold: 大病 pays it more, so its remainder — and assistance — fall.
    // 150100 / 2024: inpatient level 3 deductible 1000 @ 65 %; 大病 threshold 15000 @ 60 %; 低保边缘 threshold 3000 @ 60 %
    const [realistic] = realisticPolicies;
    const inpatient = (claimId: string, day: string, a: string): Claim => ({
      claimId,
      version: 1,
      personId: PERSON,
      region: REGION,
      hospital: { id: 'H-3', level: 3, inRegion: true },
      visitType: 'INPATIENT',
      admissionDate: day,
      serviceDate: day,
      diagnosis: ['C34.9'],
      items: [{ code: 'A', category: 'A', amount: new Money(a), inCatalogue: true }],
    });
    const lowIncomeFromJune: Grant = {
      grantId: 'G-JUN',
      personId: PERSON,
      category: 'LOW_INCOME',
      validFrom: '2024-06-01',
      revoked: false,
    };
    const facts = (marchCost: string): YearFacts => ({
      policies: realistic,
      claims: [inpatient('C-MAR', '2024-03-01', marchCost), inpatient('C-JUL', '2024-07-01', '100000')],
      grants: [lowIncomeFromJune],
    });
    // March 20000: B = 7650 + 35325, 大病 on July 16785, R = 18540, assistance 9324.00
    // March 40000: B = 14650 + 35325, 大病 on July 20985, R = 14340, assistance 6804.00
    const cheaper = settle(facts('20000'));
    const costlier = settle(facts('40000'));
    expect(print(cheaper.assistance)).toBe('9324.00');
    expect(print(costlier.assistance)).toBe('6804.00');
    expect(costlier.criticalIllness.gt(cheaper.criticalIllness)).toBe(true);
  });
});
