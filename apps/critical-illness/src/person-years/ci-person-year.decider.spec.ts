import type { BasicDecidedClaim, BasicPersonYearDecided, Cause, CriticalIllnessDecidedClaim, Payment, PersonYearRef } from '@msb/contracts';
import {
  CriticalIllnessPolicy,
  criticalIllnessPolicyFromWire,
  EligibilityWindow,
  InForce,
  PolicyInForce as InForcePolicy,
} from '@msb/settlement';
import { adjusted, deciderSpec, decisionEventsOf, scenarioPolicy, settled } from '@msb/testing/decider';
import { CiCommand, CiEvent, criticalIllnessPersonYearDecider, decide, evolve } from './ci-person-year.decider';

type PolicyInForce = InForcePolicy<CriticalIllnessPolicy>;

// The 大病 section of scenarios/late-claim-reorders-year.json: threshold 10000, excess bands
// 40000 @ 60 %, 90000 @ 70 %, above @ 80 %, cap 300000; tilt for 特困/低保/监测: threshold × 0.5,
// rates + 5 points, no cap.
const policyDto = scenarioPolicy('late-claim-reorders-year.json', 'criticalIllness');
const policy: PolicyInForce = { revision: 1, terms: criticalIllnessPolicyFromWire(policyDto) };
const KEY: PersonYearRef = { region: '440300', personId: 'P-LC', year: 2024 };

const NO_GRANTS = { revision: 0, windows: [] as EligibilityWindow[] };
/** 大病 receives windows of the grants in force, not grants (assistance.eligibility v2). */
const MINIMUM_LIVING: EligibilityWindow = { category: 'MINIMUM_LIVING', validFrom: '2024-01-01' };

// ---- basic's decisions (the input) ------------------------------------------------------------

const basicClaim = (
  claimId: string,
  serviceDate: string,
  compliantSelfPay: string,
  status: 'LIVE' | 'REVERSED' = 'LIVE',
): BasicDecidedClaim => ({
  claimId,
  version: 1,
  status,
  serviceDate,
  visitType: 'INPATIENT',
  total: '0.00', // 大病 builds on compliant self-pay only
  policyScope: '0.00',
  ciExtra: '0.00',
  basic: '0.00',
  compliantSelfPay,
});
/** Σ of a figure over claims, in cents (independently of the code under test). */
const sumOf = <C>(claims: C[], field: (c: C) => string) =>
  (claims.reduce((n, c) => n + Math.round(Number(field(c)) * 100), 0) / 100).toFixed(2);

/** Basic's decision (v2): the claims it changed (here every claim of its year), following `previousRevision`. */
const basicDecision = (
  revision: number,
  cause: Cause,
  claims: BasicDecidedClaim[],
  previousRevision = revision - 1,
): BasicPersonYearDecided => ({
  personYear: KEY,
  revision,
  previousRevision,
  policyRevision: 1,
  cause,
  claims,
  totals: {
    claimCount: claims.length,
    total: sumOf(claims, (c) => c.total),
    policyScope: sumOf(claims, (c) => c.policyScope),
    ciExtra: sumOf(claims, (c) => c.ciExtra),
    basic: sumOf(claims, (c) => c.basic),
    compliantSelfPay: sumOf(claims, (c) => c.compliantSelfPay),
  },
  payments: [],
});
// revision 1: LC-DEC alone; revision 2: the earlier LC-JUL arrived (figures of the golden scenario)
const BASIC_1 = basicDecision(1, { reason: 'INITIAL', claimId: 'LC-DEC' }, [basicClaim('LC-DEC', '2024-12-05', '11720.00')]);
const BASIC_2 = basicDecision(2, { reason: 'LATE_CLAIM', claimId: 'LC-JUL' }, [
  basicClaim('LC-JUL', '2024-07-11', '20480.00'),
  basicClaim('LC-DEC', '2024-12-05', '11440.00'),
]);

// ---- given / when / then ----------------------------------------------------------------------

const { given, fold } = deciderSpec(criticalIllnessPersonYearDecider, KEY);

const record = (decision: BasicPersonYearDecided, inForce: InForce<CriticalIllnessPolicy>): CiCommand => ({
  type: 'RecordBasicDecision',
  data: { ...inForce, decision },
});
const grant = (grantId: string, inForce: InForce<CriticalIllnessPolicy>): CiCommand => ({
  type: 'ApplyEligibility',
  data: { ...inForce, change: 'ELIGIBILITY_GRANTED', grantId },
});
const revise = (inForce: InForce<CriticalIllnessPolicy>): CiCommand => ({ type: 'ApplyPolicyRevision', data: inForce });

const recorded = (d: BasicPersonYearDecided): CiEvent => ({
  type: 'BasicDecisionRecorded',
  data: {
    revision: d.revision,
    previousRevision: d.previousRevision,
    cause: d.cause,
    // not basic's other figures (total, policy scope, basic, ciExtra)
    claims: d.claims.map(({ claimId, version, status, serviceDate, visitType, compliantSelfPay }) => ({
      claimId,
      version,
      status,
      serviceDate,
      visitType,
      compliantSelfPay,
    })),
  },
});
const ciClaim = (b: BasicDecidedClaim, criticalIllness: string): CriticalIllnessDecidedClaim => ({
  claimId: b.claimId,
  version: b.version,
  status: b.status,
  serviceDate: b.serviceDate,
  visitType: b.visitType,
  compliantSelfPay: b.status === 'LIVE' ? b.compliantSelfPay : '0.00',
  criticalIllness,
});

interface DecisionFields {
  revision: number;
  basicRevision: number;
  eligibilityRevision: number;
  policyRevision?: number;
  cause: Cause;
  tilted: boolean;
  base: string;
  threshold: string;
  entitlement: string;
  /** The claims the decision changed. */
  claims: CriticalIllnessDecidedClaim[];
  /** Every claim of the year after it (default: the changed ones), for the totals. */
  year?: CriticalIllnessDecidedClaim[];
  payments: Payment[];
}
const decided = ({ year, ...f }: DecisionFields): CiEvent[] => {
  const all = year ?? f.claims;
  return decisionEventsOf('CriticalIllness', {
    personYear: KEY,
    ...f,
    previousRevision: f.revision - 1,
    policyRevision: f.policyRevision ?? 1,
    totals: {
      claimCount: all.length,
      compliantSelfPay: sumOf(all, (c) => c.compliantSelfPay),
      criticalIllness: sumOf(all, (c) => c.criticalIllness),
    },
  });
};

// E(11720) = (11720 − 10000) × 0.60 = 1032
const DECIDED_ON_BASIC_1 = decided({
  revision: 1,
  basicRevision: 1,
  eligibilityRevision: 0,
  cause: BASIC_1.cause,
  tilted: false,
  base: '11720.00',
  threshold: '10000.00',
  entitlement: '1032.00',
  claims: [ciClaim(BASIC_1.claims[0], '1032.00')],
  payments: [settled('LC-DEC', '1032.00')],
});

describe('大病 person-year decider', () => {
  it('records of basic’s decision only what it decides on: no total, policy scope, basic amount or ciExtra', () => {
    const [event] = decide(record(BASIC_1, { policy: undefined, eligibility: NO_GRANTS }), fold([]));

    expect(event.type).toBe('BasicDecisionRecorded');
    const claims = (event.data as { claims: object[] }).claims;
    expect(claims.map((c) => Object.keys(c).sort())).toEqual([
      ['claimId', 'compliantSelfPay', 'serviceDate', 'status', 'version', 'visitType'],
    ]);
  });

  describe('without a policy', () => {
    it('parks the person-year', () => {
      given([])
        .when(record(BASIC_1, { policy: undefined, eligibility: NO_GRANTS }))
        .then([recorded(BASIC_1), { type: 'Parked', data: { reason: 'NO_POLICY', basicRevision: 1 } }]);
    });

    it('parks only once: a second basic decision while parked records the decision and adds no second Parked', () => {
      given([recorded(BASIC_1), { type: 'Parked', data: { reason: 'NO_POLICY', basicRevision: 1 } }])
        .when(record(BASIC_2, { policy: undefined, eligibility: NO_GRANTS }))
        .then([recorded(BASIC_2)]);
    });

    it('records the eligibility that comes with the command before parking', () => {
      given([])
        .when(record(BASIC_1, { policy: undefined, eligibility: { revision: 2, windows: [MINIMUM_LIVING] } }))
        .then([
          recorded(BASIC_1),
          { type: 'EligibilityRecorded', data: { revision: 2, windows: [MINIMUM_LIVING] } },
          { type: 'Parked', data: { reason: 'NO_POLICY', basicRevision: 1 } },
        ]);
    });
  });

  it('with a policy, settles and decides on the basic and eligibility revisions it was given', () => {
    given([])
      .when(record(BASIC_1, { policy, eligibility: { revision: 3, windows: [] } }))
      .then([
        recorded(BASIC_1),
        { type: 'EligibilityRecorded', data: { revision: 3, windows: [] } },
        ...decided({
          revision: 1,
          basicRevision: 1,
          eligibilityRevision: 3,
          cause: { reason: 'INITIAL', claimId: 'LC-DEC' },
          tilted: false,
          base: '11720.00',
          threshold: '10000.00',
          entitlement: '1032.00',
          claims: [ciClaim(BASIC_1.claims[0], '1032.00')],
          payments: [settled('LC-DEC', '1032.00')],
        }),
      ]);
  });

  it('a late basic claim moves the band positions: the new claim is settled, the later one adjusted with LATE_CLAIM', () => {
    // E(20480) = 6288; E(31920) = 13152 → LC-DEC 6864, i.e. +5832 on the 1032 already paid
    given([recorded(BASIC_1), ...DECIDED_ON_BASIC_1])
      .when(record(BASIC_2, { policy, eligibility: NO_GRANTS }))
      .then([
        recorded(BASIC_2),
        ...decided({
          revision: 2,
          basicRevision: 2,
          eligibilityRevision: 0,
          cause: BASIC_2.cause,
          tilted: false,
          base: '31920.00',
          threshold: '10000.00',
          entitlement: '13152.00',
          claims: [ciClaim(BASIC_2.claims[0], '6288.00'), ciClaim(BASIC_2.claims[1], '6864.00')],
          payments: [settled('LC-JUL', '6288.00'), adjusted('LC-DEC', '5832.00', '6864.00', 'LATE_CLAIM')],
        }),
      ]);
  });

  it('ignores a basic revision older than (or equal to) the one it has', () => {
    const afterBoth = decide(record(BASIC_2, { policy, eligibility: NO_GRANTS }), fold([recorded(BASIC_1), ...DECIDED_ON_BASIC_1]));
    const history = [recorded(BASIC_1), ...DECIDED_ON_BASIC_1, ...afterBoth];
    given(history)
      .when(record(BASIC_1, { policy, eligibility: NO_GRANTS }))
      .then([]);
    given(history)
      .when(record(BASIC_2, { policy, eligibility: NO_GRANTS }))
      .then([]);
  });

  it('a grant that switches the tilt on adjusts with ELIGIBILITY_GRANTED and decides tilted', () => {
    // tilted: threshold 5000, first band 65 % → E(11720) = 6720 × 0.65 = 4368, +3336 on 1032
    const eligibility = { revision: 1, windows: [MINIMUM_LIVING] };
    given([recorded(BASIC_1), ...DECIDED_ON_BASIC_1])
      .when(grant('G-1', { policy, eligibility }))
      .then([
        { type: 'EligibilityRecorded', data: eligibility },
        ...decided({
          revision: 2,
          basicRevision: 1,
          eligibilityRevision: 1,
          cause: { reason: 'ELIGIBILITY_GRANTED', grantId: 'G-1' },
          tilted: true,
          base: '11720.00',
          threshold: '5000.00',
          entitlement: '4368.00',
          claims: [ciClaim(BASIC_1.claims[0], '4368.00')],
          payments: [adjusted('LC-DEC', '3336.00', '4368.00', 'ELIGIBILITY_GRANTED')],
        }),
      ]);
  });

  it('a grant that changes no amount is still published, so that assistance can decide on the new eligibility revision', () => {
    // a LOW_INCOME grant does not tilt 大病: no claim changed, so the decision carries none, and the year's totals
    const eligibility = { revision: 1, windows: [{ ...MINIMUM_LIVING, category: 'LOW_INCOME' as const }] };
    given([recorded(BASIC_1), ...DECIDED_ON_BASIC_1])
      .when(grant('G-1', { policy, eligibility }))
      .then([
        { type: 'EligibilityRecorded', data: eligibility },
        ...decided({
          revision: 2,
          basicRevision: 1,
          eligibilityRevision: 1,
          cause: { reason: 'ELIGIBILITY_GRANTED', grantId: 'G-1' },
          tilted: false,
          base: '11720.00',
          threshold: '10000.00',
          entitlement: '1032.00',
          claims: [],
          year: [ciClaim(BASIC_1.claims[0], '1032.00')],
          payments: [],
        }),
      ]);
  });

  it('a grant for a person-year without claims is only recorded', () => {
    const eligibility = { revision: 1, windows: [MINIMUM_LIVING] };
    given([])
      .when(grant('G-1', { policy, eligibility }))
      .then([{ type: 'EligibilityRecorded', data: eligibility }]);
  });

  it('a policy arriving for a parked person-year settles it, keeping basic’s cause', () => {
    given([recorded(BASIC_1), { type: 'Parked', data: { reason: 'NO_POLICY', basicRevision: 1 } }])
      .when(revise({ policy, eligibility: NO_GRANTS }))
      .then(DECIDED_ON_BASIC_1);
  });

  it('a policy revision that changes nothing publishes nothing; one that changes a rate adjusts with POLICY_REVISED', () => {
    const history = [recorded(BASIC_1), ...DECIDED_ON_BASIC_1];
    given(history)
      .when(
        revise({
          policy: { revision: 2, terms: criticalIllnessPolicyFromWire({ ...policyDto, threshold: '10000.00' }) },
          eligibility: NO_GRANTS,
        }),
      )
      .then([]);
    // threshold 10000 → 8000: (11720 − 8000) × 0.60 = 2232
    given(history)
      .when(
        revise({
          policy: { revision: 2, terms: criticalIllnessPolicyFromWire({ ...policyDto, threshold: '8000' }) },
          eligibility: NO_GRANTS,
        }),
      )
      .then(
        decided({
          revision: 2,
          basicRevision: 1,
          eligibilityRevision: 0,
          policyRevision: 2,
          cause: { reason: 'POLICY_REVISED', policyRevision: 2 },
          tilted: false,
          base: '11720.00',
          threshold: '8000.00',
          entitlement: '2232.00',
          claims: [ciClaim(BASIC_1.claims[0], '2232.00')],
          payments: [adjusted('LC-DEC', '1200.00', '2232.00', 'POLICY_REVISED')],
        }),
      );
  });

  it('a reversal upstream claws the claim back with REVERSAL', () => {
    const reversal = basicDecision(2, { reason: 'REVERSAL', claimId: 'LC-DEC' }, [basicClaim('LC-DEC', '2024-12-05', '0.00', 'REVERSED')]);
    given([recorded(BASIC_1), ...DECIDED_ON_BASIC_1])
      .when(record(reversal, { policy, eligibility: NO_GRANTS }))
      .then([
        recorded(reversal),
        ...decided({
          revision: 2,
          basicRevision: 2,
          eligibilityRevision: 0,
          cause: { reason: 'REVERSAL', claimId: 'LC-DEC' },
          tilted: false,
          base: '0.00',
          threshold: '10000.00',
          entitlement: '0.00',
          claims: [ciClaim(reversal.claims[0], '0.00')],
          payments: [adjusted('LC-DEC', '-1032.00', '0.00', 'REVERSAL')],
        }),
      ]);
  });

  it('evolve: a decision unparks the person-year and records what was paid', () => {
    const { state } = given([
      recorded(BASIC_1),
      { type: 'Parked', data: { reason: 'NO_POLICY', basicRevision: 1 } },
      ...DECIDED_ON_BASIC_1,
    ]);
    expect(state.parked).toBe(false);
    expect(state.revision).toBe(1);
    expect(state.paid).toEqual({ 'LC-DEC': { paid: '1032.00', settled: true } });
    expect(state.decided?.basicRevision).toBe(1);
  });
  it('decides the same on a state reloaded from its jsonb snapshot: a repeated basic decision or an unchanged policy publishes nothing', () => {
    // the harness decides every case on the reloaded state too
    const history = given([recorded(BASIC_1), ...DECIDED_ON_BASIC_1]);
    history.when(record(BASIC_1, { policy, eligibility: NO_GRANTS })).then([]);
    history.when(revise({ policy: { revision: 2, terms: policy.terms }, eligibility: NO_GRANTS })).then([]);
  });

  describe('basic decisions carry only the claims they changed', () => {
    it('records only the bases that changed: a claim whose basic figures moved but not its compliant self-pay is not recorded again', () => {
      // basic's revision 2 changes LC-DEC's own figures (say its policy scope) but not what 大病 reads
      const basicOnly = basicDecision(2, { reason: 'POLICY_REVISED', policyRevision: 2 }, [
        { ...BASIC_1.claims[0], policyScope: '1.00', basic: '1.00' },
      ]);
      const events = decide(record(basicOnly, { policy, eligibility: NO_GRANTS }), fold([recorded(BASIC_1), ...DECIDED_ON_BASIC_1]));
      expect(events[0]).toEqual({
        type: 'BasicDecisionRecorded',
        data: { revision: 2, previousRevision: 1, cause: basicOnly.cause, claims: [] },
      });
      // still decided on basic's new revision (assistance waits for it), with no 大病 claim changed
      expect(events[1]).toMatchObject({ type: 'PersonYearDecided', data: { revision: 2, basicRevision: 2, claims: [], payments: [] } });
    });

    it('keeps every claim of the year in its state, merged in (serviceDate, claimId) order', () => {
      // basic's revision 2 after LC-DEC: LC-JUL only, earlier in the year (LC-DEC unchanged in this made-up revision)
      const julOnly = basicDecision(2, BASIC_2.cause, [BASIC_2.claims[0]]);
      const state = fold([recorded(BASIC_1), ...DECIDED_ON_BASIC_1, recorded(julOnly)]);
      expect(state.basic?.claims.map((c) => c.claimId)).toEqual(['LC-JUL', 'LC-DEC']);
      expect(state.basic?.revision).toBe(2);
    });
  });

  describe('a gap in basic’s revisions (one dead-lettered or overtaken): the person-year holds', () => {
    // basic's revision 3: LC-JUL reversed, LC-DEC the first admission again (compliant self-pay 11720)
    const BASIC_3 = basicDecision(3, { reason: 'REVERSAL', claimId: 'LC-JUL' }, [
      basicClaim('LC-JUL', '2024-07-11', '0.00', 'REVERSED'),
      basicClaim('LC-DEC', '2024-12-05', '11720.00'),
    ]);
    const held = (d: BasicPersonYearDecided): CiEvent => ({
      type: 'BasicDecisionHeld',
      data: (recorded(d) as unknown as { data: never }).data,
    });
    const HISTORY = [recorded(BASIC_1), ...DECIDED_ON_BASIC_1];
    const DECIDED_ON_BASIC_2 = decided({
      revision: 2,
      basicRevision: 2,
      eligibilityRevision: 0,
      cause: BASIC_2.cause,
      tilted: false,
      base: '31920.00',
      threshold: '10000.00',
      entitlement: '13152.00',
      claims: [ciClaim(BASIC_2.claims[0], '6288.00'), ciClaim(BASIC_2.claims[1], '6864.00')],
      payments: [settled('LC-JUL', '6288.00'), adjusted('LC-DEC', '5832.00', '6864.00', 'LATE_CLAIM')],
    });

    it('a decision that does not follow the revision held is kept, and nothing is decided', () => {
      const state = given(HISTORY)
        .when(record(BASIC_3, { policy, eligibility: NO_GRANTS }))
        .then([held(BASIC_3)]);
      expect(Object.keys(state.held)).toEqual(['3']);
      expect(state.basic?.revision).toBe(1);
      expect(state.revision).toBe(1);
    });

    it('while it holds, a grant and a policy revision record their inputs and decide nothing', () => {
      const eligibility = { revision: 1, windows: [MINIMUM_LIVING] };
      given([...HISTORY, held(BASIC_3)])
        .when(grant('G-1', { policy, eligibility }))
        .then([{ type: 'EligibilityRecorded', data: eligibility }]);
      given([...HISTORY, held(BASIC_3)])
        .when(
          revise({
            policy: { revision: 2, terms: criticalIllnessPolicyFromWire({ ...policyDto, threshold: '8000' }) },
            eligibility: NO_GRANTS,
          }),
        )
        .then([]);
    });

    it('when the missing revision arrives, it and the held one are recorded and decided in revision order', () => {
      // E(11720) = 1032 again: LC-JUL clawed back (−6288), LC-DEC down from 6864 to 1032 (−5832)
      const state = given([...HISTORY, held(BASIC_3)])
        .when(record(BASIC_2, { policy, eligibility: NO_GRANTS }))
        .then([
          recorded(BASIC_2),
          ...DECIDED_ON_BASIC_2,
          recorded(BASIC_3),
          ...decided({
            revision: 3,
            basicRevision: 3,
            eligibilityRevision: 0,
            cause: BASIC_3.cause,
            tilted: false,
            base: '11720.00',
            threshold: '10000.00',
            entitlement: '1032.00',
            claims: [ciClaim(BASIC_3.claims[0], '0.00'), ciClaim(BASIC_3.claims[1], '1032.00')],
            payments: [adjusted('LC-JUL', '-6288.00', '0.00', 'REVERSAL'), adjusted('LC-DEC', '-5832.00', '1032.00', 'REVERSAL')],
          }),
        ]);
      expect(state.held).toEqual({});
      expect(state.basic?.revision).toBe(3);
      // the same as if they had come in order
      const inOrder = [BASIC_2, BASIC_3].reduce(
        (st, d) => decide(record(d, { policy, eligibility: NO_GRANTS }), st).reduce(evolve, st),
        fold(HISTORY),
      );
      expect(state).toEqual(inOrder);
    });

    it('a held revision delivered again, or an older one, is ignored', () => {
      given([...HISTORY, held(BASIC_3)])
        .when(record(BASIC_3, { policy, eligibility: NO_GRANTS }))
        .then([]);
      given([...HISTORY, held(BASIC_3)])
        .when(record(BASIC_1, { policy, eligibility: NO_GRANTS }))
        .then([]);
    });

    it('the first decision of a person-year follows revision 0: a later one first is held', () => {
      given([])
        .when(record(BASIC_2, { policy, eligibility: NO_GRANTS }))
        .then([held(BASIC_2)]);
    });
  });
});
