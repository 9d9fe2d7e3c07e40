import type { Category } from '@msb/contracts';
import fc from 'fast-check';
import { integrityFlags } from '../flags/flag.rules';
import { P_2, P_RE, REGION, RETRO_CATALOGUE, RETRO_POLICY, stay, TestLog, twoPersonYears, visit } from '../analysis/test-log.spec-helper';
import { Difference, replay } from './decision.replay';

const PY_RE = '440300|P-RE|2024';
const PY_2 = '440300|P-2|2024';

describe('replay: re-deriving every recorded decision from the log', () => {
  describe('given a consistent log of two person-years (P-RE with a retroactive 特困 grant, P-2 with a correction and a reversal)', () => {
    it('when replayed, then every decision is re-derived and there are no differences', () => {
      const log = twoPersonYears();

      const result = replay(log.index());

      expect(result).toEqual({ decisions: 20, personYears: 2, differences: [] });
    });

    it('the log is the golden case: P-RE ends with 大病 6669 + 15132 and assistance 8591 + 8148 (scenarios/retroactive-eligibility.json)', () => {
      const log = twoPersonYears();

      const lastCi = log.decision('critical-illness.PersonYearDecided', PY_RE, 3);
      const lastAssistance = log.decision('assistance.PersonYearDecided', PY_RE, 3);

      expect(lastCi.data).toMatchObject({ tilted: true, threshold: '5000.00', entitlement: '21801.00' });
      expect(lastCi.data.claims.map((c) => [c.claimId, c.criticalIllness])).toEqual([
        ['RE-1', '6669.00'],
        ['RE-2', '15132.00'],
      ]);
      expect(lastAssistance.data.claims.map((c) => [c.claimId, c.assistance])).toEqual([
        ['RE-1', '8591.00'],
        ['RE-2', '8148.00'],
      ]);
    });
  });

  describe('given the consistent log with one recorded decision altered', () => {
    it('when the 大病 amount of RE-1 in an earlier 大病 decision is altered, then exactly one DECISION difference names that decision, claim and field', () => {
      const log = twoPersonYears();
      const tampered = log.decision('critical-illness.PersonYearDecided', PY_RE, 1);
      const claims = tampered.data.claims;
      expect(claims[0]).toMatchObject({ claimId: 'RE-1', criticalIllness: '3156.00' }); // (15260 − 10000) × 60 %
      claims[0].criticalIllness = '3165.00';

      const { differences } = replay(log.index());

      expect(differences).toEqual<Difference[]>([
        {
          kind: 'DECISION',
          payer: 'criticalIllness',
          personYear: PY_RE,
          eventId: tampered.id,
          claimId: 'RE-1',
          field: 'criticalIllness',
          recorded: '3165.00',
          replayed: '3156.00',
        },
      ]);
    });

    it("when a basic decision's settlement payment on RE-1 is altered, then that payment differs from the re-derived one and the payments no longer add up to the final amount", () => {
      const log = twoPersonYears();
      const first = log.decision('basic.PersonYearDecided', PY_RE, 1);
      const payment = first.data.payments[0];
      expect(payment).toMatchObject({ claimId: 'RE-1', amount: '33740.00' });
      payment.amount = '33704.00';
      const lastBasic = log.decision('basic.PersonYearDecided', PY_RE, 2);

      const { differences } = replay(log.index());

      expect(differences).toEqual<Difference[]>([
        {
          kind: 'PAYMENTS',
          payer: 'basic',
          personYear: PY_RE,
          eventId: first.id,
          claimId: 'RE-1',
          field: 'amount',
          recorded: '33704.00',
          replayed: '33740.00',
        },
        {
          kind: 'PAYMENTS',
          payer: 'basic',
          personYear: PY_RE,
          eventId: lastBasic.id,
          claimId: 'RE-1',
          field: 'sum of payments',
          recorded: '33704.00',
          replayed: '33740.00',
        },
      ]);
    });

    it("when a basic payment says the claim is now paid another amount than the decision's own figure, then one PAYMENTS difference on 'paid'", () => {
      const log = twoPersonYears();
      const first = log.decision('basic.PersonYearDecided', PY_RE, 1);
      first.data.payments[0].paid = '33704.00';

      const { differences } = replay(log.index());

      expect(differences).toEqual<Difference[]>([
        {
          kind: 'PAYMENTS',
          payer: 'basic',
          personYear: PY_RE,
          eventId: first.id,
          claimId: 'RE-1',
          field: 'paid',
          recorded: '33704.00',
          replayed: '33740.00',
        },
      ]);
    });

    it('when the final assistance decision records a wrong amount for RE-2, then a FINAL difference (and the decision and its payments disagree too)', () => {
      const log = twoPersonYears();
      const last = log.decision('assistance.PersonYearDecided', PY_RE, 3);
      const claims = last.data.claims;
      expect(claims[1]).toMatchObject({ claimId: 'RE-2', assistance: '8148.00' });
      claims[1].assistance = '8418.00';

      const { differences } = replay(log.index());

      const base = { payer: 'assistance', personYear: PY_RE, eventId: last.id, claimId: 'RE-2' } as const;
      expect(differences).toHaveLength(3);
      expect(differences).toEqual(
        expect.arrayContaining<Difference>([
          { ...base, kind: 'FINAL', field: 'assistance', recorded: '8418.00', replayed: '8148.00' },
          { ...base, kind: 'DECISION', field: 'assistance', recorded: '8418.00', replayed: '8148.00' },
          { ...base, kind: 'PAYMENTS', field: 'sum of payments', recorded: '8148.00', replayed: '8418.00' },
        ]),
      );
    });
  });

  describe('given the consistent log with an input missing', () => {
    it('when the basic policy revision event is dropped, then every basic decision has a MISSING_INPUT difference on policyRevision and nothing else is reported', () => {
      const log = twoPersonYears();
      const basicDecisions = log.find('basic.PersonYearDecided');
      expect(basicDecisions).toHaveLength(6);

      const { differences } = replay(log.index(log.envelopes.filter((e) => e.type !== 'basic.PolicyRevised')));

      expect(differences).toEqual(
        basicDecisions.map((d) => ({
          kind: 'MISSING_INPUT',
          payer: 'basic',
          personYear: `${REGION}|${d.data.personYear.personId}|2024`,
          eventId: d.id,
          field: 'policyRevision',
          recorded: 1,
          replayed: null,
        })),
      );
    });

    it('when the grant is dropped, then the decisions that name eligibility revision 1 report it missing', () => {
      const log = twoPersonYears();
      const ci = log.decision('critical-illness.PersonYearDecided', PY_RE, 3);
      const assistance = log.decision('assistance.PersonYearDecided', PY_RE, 3);

      const { differences } = replay(log.index(log.envelopes.filter((e) => e.type !== 'assistance.EligibilityGranted')));

      expect(differences.filter((d) => d.kind === 'MISSING_INPUT')).toEqual([
        {
          kind: 'MISSING_INPUT',
          payer: 'criticalIllness',
          personYear: PY_RE,
          eventId: ci.id,
          field: 'eligibilityRevision',
          recorded: null,
          replayed: null,
        },
        {
          kind: 'MISSING_INPUT',
          payer: 'assistance',
          personYear: PY_RE,
          eventId: assistance.id,
          field: 'eligibilityRevision',
          recorded: null,
          replayed: null,
        },
      ]);
    });
  });

  describe('given decisions that carry only the claims they changed (v2)', () => {
    it('when a basic decision is missing from the log (a gap), then the next one is reported as not following the one before it', () => {
      const log = twoPersonYears();
      const missing = log.decision('basic.PersonYearDecided', PY_2, 2);
      const next = log.decision('basic.PersonYearDecided', PY_2, 3);

      const { differences } = replay(log.index(log.envelopes.filter((e) => e !== missing)));

      expect(differences).toContainEqual<Difference>({
        kind: 'MISSING_INPUT',
        payer: 'basic',
        personYear: PY_2,
        eventId: next.id,
        field: 'previousRevision',
        recorded: 2,
        replayed: 1,
      });
    });

    it('when a decision leaves out a claim it changed, then the claims it carries differ from the re-derived ones', () => {
      const log = twoPersonYears();
      const granted = log.decision('critical-illness.PersonYearDecided', PY_RE, 3); // the tilt moved RE-1 and RE-2
      expect(granted.data.claims.map((c) => c.claimId)).toEqual(['RE-1', 'RE-2']);
      granted.data.claims = granted.data.claims.filter((c) => c.claimId === 'RE-2');

      const { differences } = replay(log.index());

      expect(differences).toContainEqual<Difference>({
        kind: 'DECISION',
        payer: 'criticalIllness',
        personYear: PY_RE,
        eventId: granted.id,
        field: 'claims',
        recorded: 'RE-2@1',
        replayed: 'RE-1@1,RE-2@1',
      });
    });

    it("when a decision's totals are altered, then the totals differ", () => {
      const log = twoPersonYears();
      const last = log.decision('basic.PersonYearDecided', PY_RE, 2);
      last.data.totals = { ...last.data.totals, basic: '1.00' };

      const { differences } = replay(log.index());

      expect(differences).toEqual([
        expect.objectContaining({ kind: 'DECISION', payer: 'basic', eventId: last.id, field: 'totals', recorded: last.data.totals }),
      ]);
    });

    it('a log from before deltas (v1 decisions, every claim, upcast on read) replays without a difference, and so does one upgraded half-way', () => {
      const legacy = twoPersonYears(2, 1);
      expect(legacy.find('basic.PersonYearDecided')[0]).toMatchObject({ version: 1 }); // logged as published
      expect(replay(legacy.index())).toEqual({ decisions: 20, personYears: 2, differences: [] });
      expect(integrityFlags(legacy.index())).toEqual([]);

      legacy.decisionVersion = 2;
      legacy.revoke('P-RE', 'G-RE');
      legacy.decide(P_RE, { reason: 'ELIGIBILITY_REVOKED', grantId: 'G-RE' });
      expect(legacy.find('critical-illness.PersonYearDecided').at(-1)).toMatchObject({ version: 2 }); // basic has nothing new to decide
      expect(replay(legacy.index()).differences).toEqual([]);
    });
  });

  describe('given a policy revision', () => {
    const revised = { ...RETRO_POLICY.basic, inpatient: { ...RETRO_POLICY.basic.inpatient, '3': { deductible: '800', rate: '0.75' } } };

    it('when the payers recalculated the person-years it affects, then there are no differences', () => {
      const log = twoPersonYears().putPolicy(REGION, 2024, { basic: revised });
      log.decide(P_RE, { reason: 'POLICY_REVISED', policyRevision: 2 });
      log.decide(P_2, { reason: 'POLICY_REVISED', policyRevision: 2 });

      expect(replay(log.index()).differences).toEqual([]);
    });

    it('when no payer recalculated, then every decision replays as recorded but the final amounts of P-RE differ (FINAL only)', () => {
      const log = twoPersonYears().putPolicy(REGION, 2024, { basic: revised });

      const { differences } = replay(log.index());

      expect(differences.length).toBeGreaterThan(0);
      expect(differences.every((d) => d.kind === 'FINAL' && d.personYear === PY_RE)).toBe(true);
      // RE-1 at 75 % instead of 70 %: (49000 − 800) × 0.75
      expect(differences).toContainEqual<Difference>({
        kind: 'FINAL',
        payer: 'basic',
        personYear: PY_RE,
        eventId: log.decision('basic.PersonYearDecided', PY_RE, 2).id,
        claimId: 'RE-1',
        field: 'basic',
        recorded: '33740.00',
        replayed: '36150.00',
      });
    });
  });

  describe('given the grant of P-RE is revoked', () => {
    it('when the payers recalculated, then there are no differences', () => {
      const log = twoPersonYears();
      log.revoke('P-RE', 'G-RE');
      log.decide(P_RE, { reason: 'ELIGIBILITY_REVOKED', grantId: 'G-RE' });

      expect(replay(log.index()).differences).toEqual([]);
    });

    it('when nobody recalculated, then 大病 loses the tilt and assistance everything: FINAL differences only', () => {
      const log = twoPersonYears();
      log.revoke('P-RE', 'G-RE');

      const { differences } = replay(log.index());

      expect(differences.map((d) => [d.kind, d.payer, d.claimId, d.recorded, d.replayed])).toEqual([
        ['FINAL', 'criticalIllness', 'RE-1', '6669.00', '3156.00'],
        ['FINAL', 'criticalIllness', 'RE-2', '15132.00', '13968.00'],
        ['FINAL', 'assistance', 'RE-1', '8591.00', '0.00'],
        ['FINAL', 'assistance', 'RE-2', '8148.00', '0.00'],
      ]);
    });
  });

  describe('given a log written before eligibility windows (assistance.eligibility v1: whole grant lists, upcast on read)', () => {
    it('when replayed, then every decision is re-derived from the upcast windows and there are no differences', () => {
      const log = twoPersonYears(1);
      const [granted] = log.find('assistance.EligibilityGranted');
      expect(granted).toMatchObject({ version: 1, data: { grants: [{ grantId: 'G-RE', revoked: false }] } }); // logged as published

      const result = replay(log.index());

      expect(result).toEqual({ decisions: 20, personYears: 2, differences: [] });
      expect(log.index().eligibility.get('P-RE')).toEqual(new Map([[1, [{ category: 'EXTREME_POVERTY', validFrom: '2024-01-01' }]]]));
    });

    it('when the v1 grant is revoked and nobody recalculated, then the same FINAL differences as with windows', () => {
      const legacy = twoPersonYears(1);
      legacy.revoke('P-RE', 'G-RE');
      const current = twoPersonYears(2);
      current.revoke('P-RE', 'G-RE');

      const project = (ds: Difference[]) => ds.map((d) => [d.kind, d.payer, d.claimId, d.recorded, d.replayed]);
      expect(project(replay(legacy.index()).differences)).toEqual(project(replay(current.index()).differences));
      expect(replay(legacy.index()).differences).toHaveLength(4);
    });

    it('when civil affairs upgraded between the grant (v1) and its revocation (v2) and the payers recalculated, then there are no differences', () => {
      const log = twoPersonYears(1);
      log.eligibilityVersion = 2;
      log.revoke('P-RE', 'G-RE');
      log.decide(P_RE, { reason: 'ELIGIBILITY_REVOKED', grantId: 'G-RE' });
      expect(log.find('assistance.EligibilityRevoked')[0]).toMatchObject({ version: 2, data: { windows: [] } });

      expect(replay(log.index()).differences).toEqual([]);
    });
  });

  describe('property: whatever the order of facts, payers that decide on every fact leave nothing for replay or the integrity checks', () => {
    type Op =
      | { t: 'claim'; id: number; month: number; amount: number; inpatient: boolean }
      | { t: 'reverse'; id: number }
      | { t: 'grant'; month: number; category: Category }
      | { t: 'revoke' }
      | { t: 'policy'; rate: string };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        t: fc.constant('claim' as const),
        id: fc.integer({ min: 1, max: 4 }),
        month: fc.integer({ min: 1, max: 12 }),
        amount: fc.integer({ min: 100, max: 90000 }),
        inpatient: fc.boolean(),
      }),
      fc.record({ t: fc.constant('reverse' as const), id: fc.integer({ min: 1, max: 4 }) }),
      fc.record({
        t: fc.constant('grant' as const),
        month: fc.integer({ min: 1, max: 12 }),
        category: fc.constantFrom<Category>('EXTREME_POVERTY', 'MINIMUM_LIVING', 'LOW_INCOME', 'ILLNESS_POVERTY'),
      }),
      fc.record({ t: fc.constant('revoke' as const) }),
      fc.record({ t: fc.constant('policy' as const), rate: fc.constantFrom('0.60', '0.70', '0.75') }),
    );

    /**
     * Claims (new or corrected), reversals, grants, revocations and policy revisions of P-RE, each
     * decided at once; eligibility published as v1 (whole grant lists) before `upgradeAt`, as v2 from it.
     */
    function run(ops: Op[], upgradeAt = 0, decisionsUpgradeAt = 0): TestLog {
      const log = new TestLog().putPolicy(REGION, 2024, RETRO_POLICY).putCatalogue(REGION, 2024, RETRO_CATALOGUE);
      const known = new Set<number>();
      const reversed = new Set<number>();
      let grants = 0;
      const month = (m: number) => String(m).padStart(2, '0');
      for (const [i, o] of ops.entries()) {
        log.eligibilityVersion = i < upgradeAt ? 1 : 2;
        log.decisionVersion = i < decisionsUpgradeAt ? 1 : 2;
        if (o.t === 'claim' && !reversed.has(o.id)) {
          const date = `2024-${month(o.month)}-10`;
          const claimId = `C-${o.id}`;
          log.claim(
            o.inpatient
              ? stay(claimId, 'P-RE', date, date, { total: String(o.amount) })
              : visit(claimId, 'P-RE', date, { total: String(o.amount), visitType: 'OUTPATIENT_CHRONIC' }),
          );
          log.decide(P_RE, { reason: known.has(o.id) ? 'CORRECTION' : 'INITIAL', claimId });
          known.add(o.id);
        } else if (o.t === 'reverse' && known.has(o.id) && !reversed.has(o.id)) {
          reversed.add(o.id);
          log.reverse(`C-${o.id}`);
          log.decide(P_RE, { reason: 'REVERSAL', claimId: `C-${o.id}` });
        } else if (o.t === 'grant') {
          grants += 1;
          log.grant({ grantId: `G-${grants}`, personId: 'P-RE', category: o.category, validFrom: `2024-${month(o.month)}-01` });
          if (known.size > 0) log.decide(P_RE, { reason: 'ELIGIBILITY_GRANTED', grantId: `G-${grants}` });
        } else if (o.t === 'revoke' && grants > 0) {
          log.revoke('P-RE', `G-${grants}`);
          if (known.size > 0) log.decide(P_RE, { reason: 'ELIGIBILITY_REVOKED', grantId: `G-${grants}` });
        } else if (o.t === 'policy') {
          log.putPolicy(REGION, 2024, {
            basic: { ...RETRO_POLICY.basic, inpatient: { ...RETRO_POLICY.basic.inpatient, '3': { deductible: '800', rate: o.rate } } },
          });
          if (known.size > 0) log.decide(P_RE, { reason: 'POLICY_REVISED' });
        }
      }
      return log;
    }

    it('replay differences = [] and integrity flags = []', () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 12 }), (ops) => {
          const index = run(ops).index();
          expect(replay(index).differences).toEqual([]);
          expect(integrityFlags(index)).toEqual([]);
        }),
        { numRuns: 150 },
      );
    });

    it('with eligibility published as v1 until civil affairs upgrades at a random point: replay differences = [] and integrity flags = []', () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 12 }), fc.nat({ max: 12 }), (ops, upgradeAt) => {
          const log = run(ops, upgradeAt);
          const index = log.index();
          expect(replay(index).differences).toEqual([]);
          expect(integrityFlags(index)).toEqual([]);
        }),
        { numRuns: 150 },
      );
    });

    it('with decisions published whole (v1) until the payers upgrade to deltas at a random point: replay differences = [] and integrity flags = []', () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 12 }), fc.nat({ max: 12 }), (ops, upgradeAt) => {
          const index = run(ops, 0, upgradeAt).index();
          expect(replay(index).differences).toEqual([]);
          expect(integrityFlags(index)).toEqual([]);
        }),
        { numRuns: 150 },
      );
    });
  });
});
