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
import { AssistanceCommand, AssistanceEvent, assistancePersonYearDecider, waitingFor } from './assistance-person-year.decider';

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
const ciDecision = (f: {
  revision: number;
  basicRevision: number;
  eligibilityRevision: number;
  cause: Cause;
  claims: CriticalIllnessDecidedClaim[];
}): CriticalIllnessPersonYearDecided => ({
  personYear: KEY,
  policyRevision: 1,
  tilted: true,
  base: '0.00', // assistance does not read 大病's totals, only its claims
  threshold: '0.00',
  entitlement: '0.00',
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

const { given } = deciderSpec(assistancePersonYearDecider, KEY);

const recordCi = (decision: CriticalIllnessPersonYearDecided, inForce: InForce<AssistancePolicy>): AssistanceCommand => ({
  type: 'RecordCriticalIllnessDecision',
  data: { ...inForce, decision },
});
const recordBasic = (basicRevision: number, inForce: InForce<AssistancePolicy>): AssistanceCommand => ({
  type: 'RecordBasicRevision',
  data: { ...inForce, basicRevision },
});
const revise = (inForce: InForce<AssistancePolicy>): AssistanceCommand => ({ type: 'ApplyPolicyRevision', data: inForce });

const recorded = (d: CriticalIllnessPersonYearDecided): AssistanceEvent => ({
  type: 'CriticalIllnessDecisionRecorded',
  data: {
    revision: d.revision,
    basicRevision: d.basicRevision,
    eligibilityRevision: d.eligibilityRevision,
    cause: d.cause,
    claims: d.claims,
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
  claims: AssistanceDecidedClaim[];
  payments: Payment[];
}): AssistanceEvent[] => decisionEventsOf('Assistance', { personYear: KEY, ...f, policyRevision: f.policyRevision ?? 1 });

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
    const CI_2 = { ...CI_1, revision: 2 };
    given([recorded(CI_1), { type: 'Parked', data: { reason: 'NO_POLICY', criticalIllnessRevision: 1 } }])
      .when(recordCi(CI_2, { policy: undefined, eligibility: ELIGIBLE }))
      .then([recorded(CI_2)]);
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
});
