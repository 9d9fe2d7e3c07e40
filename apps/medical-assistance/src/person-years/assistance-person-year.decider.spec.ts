import type {
  AssistanceDecidedClaim,
  Category,
  Cause,
  CriticalIllnessDecidedClaim,
  CriticalIllnessPersonYearDecided,
  Payment,
  PersonYearRef,
} from '@msb/contracts';
import { AssistancePolicy, assistancePolicyFromWire, Grant, InForce, PolicyInForce as InForcePolicy } from '@msb/settlement';
import { adjusted, deciderSpec, decisionEventsOf, scenarioPolicy, settled } from '@msb/testing/decider';
import {
  AssistanceCommand,
  AssistanceEvent,
  assistancePersonYearDecider,
  decide,
  evolve,
  waitingFor,
} from './assistance-person-year.decider';

type PolicyInForce = InForcePolicy<AssistancePolicy>;

// The assistance section of scenarios/late-claim-reorders-year.json: 低保 (MINIMUM_LIVING) has
// threshold 0, 80 %, cap 100000; 特困 100 %; 低保边缘 (LOW_INCOME) threshold 3000, 70 %.
const policyDto = scenarioPolicy('late-claim-reorders-year.json', 'assistance');
const policy: PolicyInForce = { revision: 1, terms: assistancePolicyFromWire(policyDto) };
const KEY: PersonYearRef = { region: '440300', personId: 'P-LC', year: 2024 };

const MINIMUM_LIVING: Grant = { grantId: 'G-1', personId: 'P-LC', category: 'MINIMUM_LIVING', validFrom: '2024-01-01', revoked: false };
const ELIGIBLE = { revision: 1, windows: [MINIMUM_LIVING] };

// ---- 大病's decisions (the input) ----------------------------------------------------------------

const ciClaim = (
  claimId: string,
  compliantSelfPay: string,
  criticalIllness: string,
  status: 'LIVE' | 'REVERSED' = 'LIVE',
): CriticalIllnessDecidedClaim => ({
  claimId,
  version: 1,
  status,
  serviceDate: '2024-12-05',
  visitType: 'INPATIENT',
  compliantSelfPay,
  criticalIllness,
});
/** Σ of a figure over claims, in cents (independently of the code under test). */
const sumOf = <C>(claims: C[], field: (c: C) => string) =>
  (claims.reduce((n, c) => n + Math.round(Number(field(c)) * 100), 0) / 100).toFixed(2);

/** 大病's decision (v2): the claims it changed (here every claim of its year), following revision − 1 unless told. */
const ciDecision = (f: {
  revision: number;
  previousRevision?: number;
  basicRevision: number;
  eligibilityRevision: number;
  cause: Cause;
  claims: CriticalIllnessDecidedClaim[];
}): CriticalIllnessPersonYearDecided => ({
  personYear: KEY,
  previousRevision: f.revision - 1,
  policyRevision: 1,
  tilted: true,
  base: '0.00', // assistance does not read 大病's totals, only its claims
  threshold: '0.00',
  entitlement: '0.00',
  totals: {
    claimCount: f.claims.length,
    compliantSelfPay: sumOf(f.claims, (c) => c.compliantSelfPay),
    criticalIllness: sumOf(f.claims, (c) => c.criticalIllness),
  },
  payments: [],
  ...f,
});
// LC-DEC: compliant self-pay 11720, tilted 大病 4368 → R = 7352, 低保 80 % → 5881.60
const CI_1 = ciDecision({
  revision: 1,
  basicRevision: 1,
  eligibilityRevision: 1,
  cause: { reason: 'INITIAL', claimId: 'LC-DEC' },
  claims: [ciClaim('LC-DEC', '11720.00', '4368.00')],
});

// ---- given / when / then ----------------------------------------------------------------------

const { given, fold } = deciderSpec(assistancePersonYearDecider, KEY);

const recordCi = (decision: CriticalIllnessPersonYearDecided, inForce: InForce<AssistancePolicy>): AssistanceCommand => ({
  type: 'RecordCriticalIllnessDecision',
  data: { ...inForce, decision },
});
const recordBasic = (basicRevision: number, inForce: InForce<AssistancePolicy>): AssistanceCommand => ({
  type: 'RecordBasicRevision',
  data: { ...inForce, basicRevision },
});
const revise = (inForce: InForce<AssistancePolicy>): AssistanceCommand => ({ type: 'ApplyPolicyRevision', data: inForce });

/** 大病's decision as recorded: of its claims only those that differ from what assistance holds (default: all it carries). */
const recorded = (d: CriticalIllnessPersonYearDecided, changed = d.claims): AssistanceEvent => ({
  type: 'CriticalIllnessDecisionRecorded',
  data: {
    revision: d.revision,
    previousRevision: d.previousRevision,
    basicRevision: d.basicRevision,
    eligibilityRevision: d.eligibilityRevision,
    cause: d.cause,
    claims: changed,
  },
});
const claim = (claimId: string, eligible: boolean, assistance: string, status: 'LIVE' | 'REVERSED' = 'LIVE'): AssistanceDecidedClaim => ({
  claimId,
  version: 1,
  status,
  eligible,
  assistance,
});
const decided = (f: {
  revision: number;
  basicRevision: number;
  criticalIllnessRevision: number;
  eligibilityRevision: number;
  policyRevision?: number;
  cause: Cause;
  category: Category | null;
  base: string;
  entitlement: string;
  /** The claims the decision changed (here every claim of the year). */
  claims: AssistanceDecidedClaim[];
  payments: Payment[];
}): AssistanceEvent[] =>
  decisionEventsOf('Assistance', {
    personYear: KEY,
    ...f,
    previousRevision: f.revision - 1,
    policyRevision: f.policyRevision ?? 1,
    totals: { claimCount: f.claims.length, assistance: sumOf(f.claims, (c) => c.assistance) },
  });

const DECIDED_ON_CI_1 = decided({
  revision: 1,
  basicRevision: 1,
  criticalIllnessRevision: 1,
  eligibilityRevision: 1,
  cause: CI_1.cause,
  category: 'MINIMUM_LIVING',
  base: '7352.00',
  entitlement: '5881.60',
  claims: [claim('LC-DEC', true, '5881.60')],
  payments: [settled('LC-DEC', '5881.60')],
});

describe('medical-assistance person-year decider (保险在先、救助在后)', () => {
  describe('waits for 大病', () => {
    it('when the 大病 decision was made on a basic revision older than one already seen', () => {
      const after = given([{ type: 'BasicRevisionSeen', data: { basicRevision: 2 } }])
        .when(recordCi(CI_1, { policy, eligibility: ELIGIBLE }))
        .then([recorded(CI_1)]);
      expect(waitingFor(after, 1)).toBe('CRITICAL_ILLNESS');
    });

    it('when basic moves on after 大病 decided, it does not decide again until 大病 catches up', () => {
      const after = given([recorded(CI_1), ...DECIDED_ON_CI_1])
        .when(recordBasic(2, { policy, eligibility: ELIGIBLE }))
        .then([{ type: 'BasicRevisionSeen', data: { basicRevision: 2 } }]);
      expect(after.latestBasicRevision).toBe(2);
      expect(waitingFor(after, 1)).toBe('CRITICAL_ILLNESS');
    });

    it('when the 大病 decision was made on another eligibility revision than the person’s current one', () => {
      const onOldEligibility = { ...CI_1, eligibilityRevision: 0 };
      const after = given([])
        .when(recordCi(onOldEligibility, { policy, eligibility: ELIGIBLE }))
        .then([recorded(onOldEligibility)]);
      expect(waitingFor(after, 1)).toBe('CRITICAL_ILLNESS');
      // and it is exactly the eligibility revision that is missing
      expect(waitingFor(after, 0)).toBeNull();
    });

    it('when 大病 has not decided at all', () => {
      const after = given([])
        .when(recordBasic(1, { policy, eligibility: ELIGIBLE }))
        .then([{ type: 'BasicRevisionSeen', data: { basicRevision: 1 } }]);
      expect(waitingFor(after, 1)).toBe('CRITICAL_ILLNESS');
    });
  });

  it('decides when 大病 decided on the latest basic revision and the current eligibility', () => {
    const after = given([{ type: 'BasicRevisionSeen', data: { basicRevision: 1 } }])
      .when(recordCi(CI_1, { policy, eligibility: ELIGIBLE }))
      .then([recorded(CI_1), ...DECIDED_ON_CI_1]);
    expect(waitingFor(after, 1)).toBeNull();
    expect(after.paid).toEqual({ 'LC-DEC': { paid: '5881.60', settled: true } });
  });

  it('a person without grants is settled at 0 and not eligible', () => {
    const notEligible = { ...CI_1, eligibilityRevision: 0 };
    given([])
      .when(recordCi(notEligible, { policy, eligibility: { revision: 0, windows: [] } }))
      .then([
        recorded(notEligible),
        ...decided({
          revision: 1,
          basicRevision: 1,
          criticalIllnessRevision: 1,
          eligibilityRevision: 0,
          cause: CI_1.cause,
          category: null,
          base: '0.00',
          entitlement: '0.00',
          claims: [claim('LC-DEC', false, '0.00')],
          payments: [settled('LC-DEC', '0.00')],
        }),
      ]);
  });

  it('without a policy, parks once', () => {
    const parked = given([])
      .when(recordCi(CI_1, { policy: undefined, eligibility: ELIGIBLE }))
      .then([recorded(CI_1), { type: 'Parked', data: { reason: 'NO_POLICY', criticalIllnessRevision: 1 } }]);
    expect(parked.parked).toBe(true);
    const CI_2 = { ...CI_1, revision: 2, previousRevision: 1 };
    given([recorded(CI_1), { type: 'Parked', data: { reason: 'NO_POLICY', criticalIllnessRevision: 1 } }])
      .when(recordCi(CI_2, { policy: undefined, eligibility: ELIGIBLE }))
      .then([recorded(CI_2, [])]); // its claim did not change: none is recorded again
  });

  it('a policy arriving for a parked person-year settles it with 大病’s cause', () => {
    given([recorded(CI_1), { type: 'Parked', data: { reason: 'NO_POLICY', criticalIllnessRevision: 1 } }])
      .when(revise({ policy, eligibility: ELIGIBLE }))
      .then(DECIDED_ON_CI_1);
  });

  it('a reversed claim is clawed back with REVERSAL', () => {
    const CI_2 = ciDecision({
      revision: 2,
      basicRevision: 2,
      eligibilityRevision: 1,
      cause: { reason: 'REVERSAL', claimId: 'LC-DEC' },
      claims: [ciClaim('LC-DEC', '0.00', '0.00', 'REVERSED')],
    });
    given([recorded(CI_1), ...DECIDED_ON_CI_1, { type: 'BasicRevisionSeen', data: { basicRevision: 2 } }])
      .when(recordCi(CI_2, { policy, eligibility: ELIGIBLE }))
      .then([
        recorded(CI_2),
        ...decided({
          revision: 2,
          basicRevision: 2,
          criticalIllnessRevision: 2,
          eligibilityRevision: 1,
          cause: { reason: 'REVERSAL', claimId: 'LC-DEC' },
          category: null,
          base: '0.00',
          entitlement: '0.00',
          claims: [claim('LC-DEC', false, '0.00', 'REVERSED')],
          payments: [adjusted('LC-DEC', '-5881.60', '0.00', 'REVERSAL')],
        }),
      ]);
  });

  it('an upstream policy revision reaches assistance as UPSTREAM_ADJUSTED', () => {
    // 大病 paid more after its own policy revision: R = 11720 − 5000 = 6720 → 5376.00, −505.60
    const CI_2 = ciDecision({
      revision: 2,
      basicRevision: 1,
      eligibilityRevision: 1,
      cause: { reason: 'POLICY_REVISED', policyRevision: 2 },
      claims: [ciClaim('LC-DEC', '11720.00', '5000.00')],
    });
    given([recorded(CI_1), ...DECIDED_ON_CI_1])
      .when(recordCi(CI_2, { policy, eligibility: ELIGIBLE }))
      .then([
        recorded(CI_2),
        ...decided({
          revision: 2,
          basicRevision: 1,
          criticalIllnessRevision: 2,
          eligibilityRevision: 1,
          cause: { reason: 'POLICY_REVISED', policyRevision: 2 },
          category: 'MINIMUM_LIVING',
          base: '6720.00',
          entitlement: '5376.00',
          claims: [claim('LC-DEC', true, '5376.00')],
          payments: [adjusted('LC-DEC', '-505.60', '5376.00', 'UPSTREAM_ADJUSTED')],
        }),
      ]);
  });

  it('its own policy revision adjusts with POLICY_REVISED, and one that changes nothing publishes nothing', () => {
    const history = [recorded(CI_1), ...DECIDED_ON_CI_1];
    given(history)
      .when(revise({ policy: { revision: 2, terms: assistancePolicyFromWire(policyDto) }, eligibility: ELIGIBLE }))
      .then([]);
    // 低保 80 % → 90 %: 7352 × 0.9 = 6616.80, +735.20
    const revised = assistancePolicyFromWire({
      ...policyDto,
      categories: { ...policyDto.categories, MINIMUM_LIVING: { threshold: '0', bands: [{ rate: '0.90' }], annualCap: '100000' } },
    });
    given(history)
      .when(revise({ policy: { revision: 2, terms: revised }, eligibility: ELIGIBLE }))
      .then(
        decided({
          revision: 2,
          basicRevision: 1,
          criticalIllnessRevision: 1,
          eligibilityRevision: 1,
          policyRevision: 2,
          cause: { reason: 'POLICY_REVISED', policyRevision: 2 },
          category: 'MINIMUM_LIVING',
          base: '7352.00',
          entitlement: '6616.80',
          claims: [claim('LC-DEC', true, '6616.80')],
          payments: [adjusted('LC-DEC', '735.20', '6616.80', 'POLICY_REVISED')],
        }),
      );
  });

  it('an older or repeated 大病 decision is ignored', () => {
    given([recorded(CI_1), ...DECIDED_ON_CI_1])
      .when(recordCi(CI_1, { policy, eligibility: ELIGIBLE }))
      .then([]);
  });
  it('decides the same on a state reloaded from its jsonb snapshot: a basic revision it already knows publishes nothing', () => {
    // basic's revision 1 often arrives after the 大病 decision made on it (another topic); the harness decides on the reloaded state too
    given([recorded(CI_1), ...DECIDED_ON_CI_1])
      .when(recordBasic(1, { policy, eligibility: ELIGIBLE }))
      .then([]);
  });

  it('keeps its whole decision in the order of 大病’s claims, so that a recomputation that changes nothing is not news', () => {
    // two claims whose date order (LC-JUL, LC-DEC) is not their id order; revision 2 changes LC-DEC alone
    const jul = { ...ciClaim('LC-JUL', '20480.00', '6288.00'), serviceDate: '2024-07-11' };
    const CI_A = ciDecision({ ...CI_1, claims: [jul, ciClaim('LC-DEC', '11720.00', '4368.00')] });
    const CI_B = ciDecision({
      revision: 2,
      basicRevision: 1,
      eligibilityRevision: 1,
      cause: CI_1.cause,
      claims: [ciClaim('LC-DEC', '11720.00', '4000.00')],
    });
    const first = decide(recordCi(CI_A, { policy, eligibility: ELIGIBLE }), fold([]));
    const state = decide(recordCi(CI_B, { policy, eligibility: ELIGIBLE }), fold(first)).reduce(evolve, fold(first));
    expect(state.criticalIllness?.claims.map((c) => c.claimId)).toEqual(['LC-JUL', 'LC-DEC']);
    expect(state.decided?.claims.map((c) => c.claimId)).toEqual(['LC-JUL', 'LC-DEC']);
    // the second decision carried LC-DEC alone
    const second = decide(recordCi(CI_B, { policy, eligibility: ELIGIBLE }), fold(first)).find((e) => e.type === 'PersonYearDecided');
    expect((second?.data as { claims: { claimId: string }[] }).claims.map((c) => c.claimId)).toEqual(['LC-DEC']);
    given([...first, ...decide(recordCi(CI_B, { policy, eligibility: ELIGIBLE }), fold(first))])
      .when(revise({ policy: { revision: 2, terms: policy.terms }, eligibility: ELIGIBLE }))
      .then([]);
  });

  describe('a gap in 大病’s revisions (one dead-lettered or overtaken): the person-year holds', () => {
    // 大病's revision 2: its own policy revision (LC-DEC 5000); revision 3: LC-DEC reversed on basic's revision 2
    const CI_2 = ciDecision({
      revision: 2,
      basicRevision: 1,
      eligibilityRevision: 1,
      cause: { reason: 'POLICY_REVISED', policyRevision: 2 },
      claims: [ciClaim('LC-DEC', '11720.00', '5000.00')],
    });
    const CI_3 = ciDecision({
      revision: 3,
      basicRevision: 2,
      eligibilityRevision: 1,
      cause: { reason: 'REVERSAL', claimId: 'LC-DEC' },
      claims: [ciClaim('LC-DEC', '0.00', '0.00', 'REVERSED')],
    });
    const held = (d: CriticalIllnessPersonYearDecided): AssistanceEvent => ({
      type: 'CriticalIllnessDecisionHeld',
      data: (recorded(d) as unknown as { data: never }).data,
    });
    const HISTORY: AssistanceEvent[] = [recorded(CI_1), ...DECIDED_ON_CI_1];

    it('a decision that does not follow the revision held is kept, and nothing is decided', () => {
      const state = given([...HISTORY, { type: 'BasicRevisionSeen', data: { basicRevision: 2 } }])
        .when(recordCi(CI_3, { policy, eligibility: ELIGIBLE }))
        .then([held(CI_3)]);
      expect(Object.keys(state.held)).toEqual(['3']);
      expect(state.criticalIllness?.revision).toBe(1);
    });

    it('while it holds, a basic revision is recorded and its own policy revision decides nothing', () => {
      const revised = assistancePolicyFromWire({
        ...policyDto,
        categories: { ...policyDto.categories, MINIMUM_LIVING: { threshold: '0', bands: [{ rate: '0.90' }], annualCap: '100000' } },
      });
      given([...HISTORY, held(CI_3)])
        .when(recordBasic(2, { policy, eligibility: ELIGIBLE }))
        .then([{ type: 'BasicRevisionSeen', data: { basicRevision: 2 } }]);
      given([...HISTORY, held(CI_3)])
        .when(revise({ policy: { revision: 2, terms: revised }, eligibility: ELIGIBLE }))
        .then([]);
    });

    it('when the missing revision arrives, both are recorded in revision order and decided as they come ready', () => {
      // 大病's revision 2 is on basic's revision 1, older than basic's 2 already seen: it waits; revision 3 is on basic's 2: decided
      const given_ = [...HISTORY, { type: 'BasicRevisionSeen', data: { basicRevision: 2 } } as AssistanceEvent, held(CI_3)];
      const state = given(given_)
        .when(recordCi(CI_2, { policy, eligibility: ELIGIBLE }))
        .then([
          recorded(CI_2),
          recorded(CI_3),
          ...decided({
            revision: 2,
            basicRevision: 2,
            criticalIllnessRevision: 3,
            eligibilityRevision: 1,
            cause: { reason: 'REVERSAL', claimId: 'LC-DEC' },
            category: null,
            base: '0.00',
            entitlement: '0.00',
            claims: [claim('LC-DEC', false, '0.00', 'REVERSED')],
            payments: [adjusted('LC-DEC', '-5881.60', '0.00', 'REVERSAL')],
          }),
        ]);
      expect(state.held).toEqual({});
      // the same as if they had come in order
      const inOrder = [CI_2, CI_3].reduce(
        (st, d) => decide(recordCi(d, { policy, eligibility: ELIGIBLE }), st).reduce(evolve, st),
        fold(given_.slice(0, -1)),
      );
      expect(state).toEqual(inOrder);
    });

    it('a held revision delivered again, or an older one, is ignored', () => {
      given([...HISTORY, held(CI_3)])
        .when(recordCi(CI_3, { policy, eligibility: ELIGIBLE }))
        .then([]);
      given([...HISTORY, held(CI_3)])
        .when(recordCi(CI_1, { policy, eligibility: ELIGIBLE }))
        .then([]);
    });
  });
});
