import type { BasicPersonYearDecided, Cause, CriticalIllnessPersonYearDecided, PersonYearRef, ReasonCode } from '@msb/contracts';
import {
  BasicRevision,
  Command,
  criticalIllnessBasis,
  CriticalIllnessBasis,
  CriticalIllnessDecisionSummary,
  CriticalIllnessPolicy,
  decideCriticalIllnessPersonYear,
  Decider,
  decisionEvents,
  downstreamPayer,
  EligibilityInForce,
  EligibilityWindow,
  InForce,
  reasonFromUpstream,
} from '@msb/settlement';

/**
 * The 大病 person-year as a decider. It decides on basic's latest decision for the person-year
 * (compliant self-pay per claim), the person's eligibility windows (for the tilt, 倾斜支付) and the
 * region-year's 大病 policy. Without a policy it parks and waits.
 */

/**
 * Basic's decision as 大病 records it, with the cause it carries downstream: of each claim only
 * what 大病 decides on (decisions recorded before carry basic's other figures too, unused).
 */
export interface BasicInput extends BasicRevision {
  cause: Cause;
  claims: CriticalIllnessBasis[];
}

export interface CiPersonYearState extends downstreamPayer.State<CriticalIllnessDecisionSummary> {
  basic: BasicInput | null;
  eligibilityRevision: number;
}

export const initialState = (key: PersonYearRef): CiPersonYearState => ({
  ...downstreamPayer.initialState(key),
  basic: null,
  eligibilityRevision: 0,
});

/** Every command carries what is in force when it is decided: the policy (if any) and the person's eligibility. */
type CiInForce = InForce<CriticalIllnessPolicy>;

export type RecordBasicDecision = Command<'RecordBasicDecision', CiInForce & { decision: BasicPersonYearDecided }>;
export type ApplyEligibility = Command<
  'ApplyEligibility',
  CiInForce & { change: 'ELIGIBILITY_GRANTED' | 'ELIGIBILITY_REVOKED'; grantId: string }
>;
export type ApplyPolicyRevision = Command<'ApplyPolicyRevision', CiInForce>;
export type CiCommand = RecordBasicDecision | ApplyEligibility | ApplyPolicyRevision;

export type CiEvent =
  | { type: 'BasicDecisionRecorded'; data: BasicInput }
  // events recorded before windows carry `grants` in place of `windows`; evolve reads only the revision
  | { type: 'EligibilityRecorded'; data: { revision: number; windows: readonly EligibilityWindow[] } }
  | downstreamPayer.Events<'CriticalIllness', CriticalIllnessPersonYearDecided, { basicRevision: number }>;

export function evolve(state: CiPersonYearState, event: CiEvent): CiPersonYearState {
  switch (event.type) {
    case 'BasicDecisionRecorded':
      return { ...state, basic: event.data };
    case 'EligibilityRecorded':
      return { ...state, eligibilityRevision: event.data.revision };
    case 'PersonYearDecided':
      return { ...downstreamPayer.evolve(state, event), eligibilityRevision: event.data.eligibilityRevision };
    default:
      return downstreamPayer.evolve(state, event);
  }
}

/** The inputs a command records: a newer basic decision, a newer eligibility revision (older or repeated ones are ignored). */
function recordedInputs(state: CiPersonYearState, command: CiCommand): CiEvent[] {
  const events: CiEvent[] = [];
  if (command.type === 'RecordBasicDecision') {
    const d = command.data.decision;
    if (state.basic !== null && d.revision <= state.basic.revision) return []; // an older or repeated decision
    events.push({
      type: 'BasicDecisionRecorded',
      data: { revision: d.revision, cause: d.cause, claims: d.claims.map(criticalIllnessBasis) },
    });
  }
  const eligibility: EligibilityInForce = command.data.eligibility;
  if (eligibility.revision > state.eligibilityRevision) {
    events.push({ type: 'EligibilityRecorded', data: { revision: eligibility.revision, windows: eligibility.windows } });
  }
  return events;
}

/** What set this decision off, and the reason its adjustments carry. */
function causeAndReason(command: CiCommand, state: CiPersonYearState, basic: BasicInput): { cause: Cause; reason: ReasonCode } {
  switch (command.type) {
    case 'RecordBasicDecision':
      return { cause: command.data.decision.cause, reason: reasonFromUpstream(command.data.decision.cause.reason) };
    case 'ApplyEligibility':
      return { cause: { reason: command.data.change, grantId: command.data.grantId }, reason: command.data.change };
    case 'ApplyPolicyRevision':
      // a parked person-year decided for the first time when its policy arrives keeps basic's cause
      if (state.decided === null) return { cause: basic.cause, reason: reasonFromUpstream(basic.cause.reason) };
      return { cause: { reason: 'POLICY_REVISED', policyRevision: command.data.policy?.revision }, reason: 'POLICY_REVISED' };
    default: {
      const unknown: never = command;
      throw new Error(`unknown command type ${String((unknown as { type?: unknown }).type)}`); // the type only: its data may hold a claim (never into an error, hence a log)
    }
  }
}

export function decide(command: CiCommand, state: CiPersonYearState): CiEvent[] {
  const inputs = recordedInputs(state, command);
  const next = inputs.reduce(evolve, state);
  const { policy, eligibility } = command.data;
  if (next.basic === null) return inputs; // grants of a person-year that has no claims yet
  if (policy === undefined) return downstreamPayer.parkUntilPolicy(next, inputs, { basicRevision: next.basic.revision });
  const { cause, reason } = causeAndReason(command, state, next.basic);
  const outcome = decideCriticalIllnessPersonYear(policy.terms, next.basic, eligibility, next.paid, reason);
  // Assistance waits for a decision on every basic and eligibility revision, so those are
  // always published; a policy revision is published only where it changed something.
  return [
    ...inputs,
    ...decisionEvents(
      next,
      outcome,
      { policyRevision: policy.revision, cause },
      { settled: 'CriticalIllnessSettled', adjusted: 'CriticalIllnessAdjusted' },
    ),
  ];
}

export const criticalIllnessPersonYearDecider: Decider<CiPersonYearState, CiCommand, CiEvent> = { initialState, evolve, decide };
