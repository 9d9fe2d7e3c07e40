import type { AssistancePersonYearDecided, Cause, CriticalIllnessPersonYearDecided, PersonYearRef, ReasonCode } from '@msb/contracts';
import {
  AssistanceDecisionSummary,
  AssistancePolicy,
  Command,
  CriticalIllnessRevision,
  decideAssistancePersonYear,
  Decider,
  decisionEvents,
  downstreamPayer,
  InForce,
  reasonFromUpstream,
} from '@msb/settlement';

/**
 * The medical-assistance person-year as a decider. 保险在先、救助在后: it decides only on a
 * 大病 decision made on basic's latest revision and on the person's current eligibility;
 * otherwise it waits for the 大病 decision that is on its way. Without a policy it parks.
 */

/** 大病's decision as assistance records it, with the revisions it was made on and the cause it carries. */
export interface CriticalIllnessInput extends CriticalIllnessRevision {
  eligibilityRevision: number;
  cause: Cause;
  claims: CriticalIllnessPersonYearDecided['claims'];
}

export interface AssistancePersonYearState extends downstreamPayer.State<AssistanceDecisionSummary> {
  /** The newest basic revision known to exist for the person-year. */
  latestBasicRevision: number;
  criticalIllness: CriticalIllnessInput | null;
}

export const initialState = (key: PersonYearRef): AssistancePersonYearState => ({
  ...downstreamPayer.initialState(key),
  latestBasicRevision: 0,
  criticalIllness: null,
});

type AssistanceInForce = InForce<AssistancePolicy>;

export type RecordBasicRevision = Command<'RecordBasicRevision', AssistanceInForce & { basicRevision: number }>;
export type RecordCriticalIllnessDecision = Command<
  'RecordCriticalIllnessDecision',
  AssistanceInForce & { decision: CriticalIllnessPersonYearDecided }
>;
export type ApplyPolicyRevision = Command<'ApplyPolicyRevision', AssistanceInForce>;
export type AssistanceCommand = RecordBasicRevision | RecordCriticalIllnessDecision | ApplyPolicyRevision;

export type AssistanceEvent =
  | { type: 'BasicRevisionSeen'; data: { basicRevision: number } }
  | { type: 'CriticalIllnessDecisionRecorded'; data: CriticalIllnessInput }
  | downstreamPayer.Events<'Assistance', AssistancePersonYearDecided, { criticalIllnessRevision: number }>;

export function evolve(state: AssistancePersonYearState, event: AssistanceEvent): AssistancePersonYearState {
  switch (event.type) {
    case 'BasicRevisionSeen':
      return { ...state, latestBasicRevision: Math.max(state.latestBasicRevision, event.data.basicRevision) };
    case 'CriticalIllnessDecisionRecorded':
      return { ...state, criticalIllness: event.data, latestBasicRevision: Math.max(state.latestBasicRevision, event.data.basicRevision) };
    default:
      return downstreamPayer.evolve(state, event);
  }
}

/** The inputs a command records: a newer basic revision seen, a newer 大病 decision (older or repeated ones are ignored). */
function recordedInputs(state: AssistancePersonYearState, command: AssistanceCommand): AssistanceEvent[] {
  switch (command.type) {
    case 'RecordBasicRevision':
      return command.data.basicRevision > state.latestBasicRevision
        ? [{ type: 'BasicRevisionSeen', data: { basicRevision: command.data.basicRevision } }]
        : [];
    case 'RecordCriticalIllnessDecision': {
      const d = command.data.decision;
      if (state.criticalIllness !== null && d.revision <= state.criticalIllness.revision) return [];
      const { revision, basicRevision, eligibilityRevision, cause, claims } = d;
      return [{ type: 'CriticalIllnessDecisionRecorded', data: { revision, basicRevision, eligibilityRevision, cause, claims } }];
    }
    case 'ApplyPolicyRevision':
      return [];
    default: {
      const unknown: never = command;
      throw new Error(`unknown command type ${String((unknown as { type?: unknown }).type)}`); // the type only: its data may hold a claim (never into an error, hence a log)
    }
  }
}

/** Ready when 大病 decided on basic's latest revision and on the person's current eligibility. */
export function waitingFor(state: AssistancePersonYearState, eligibilityRevision: number): 'CRITICAL_ILLNESS' | null {
  const ci = state.criticalIllness;
  if (ci === null || ci.basicRevision < state.latestBasicRevision || ci.eligibilityRevision !== eligibilityRevision)
    return 'CRITICAL_ILLNESS';
  return null;
}

/** What set this decision off, and the reason its adjustments carry: our own policy revision, else what 大病 passed down. */
function causeAndReason(
  command: AssistanceCommand,
  state: AssistancePersonYearState,
  ci: CriticalIllnessInput,
): { cause: Cause; reason: ReasonCode } {
  if (command.type === 'ApplyPolicyRevision' && state.decided !== null) {
    return { cause: { reason: 'POLICY_REVISED', policyRevision: command.data.policy?.revision }, reason: 'POLICY_REVISED' };
  }
  return { cause: ci.cause, reason: reasonFromUpstream(ci.cause.reason) };
}

export function decide(command: AssistanceCommand, state: AssistancePersonYearState): AssistanceEvent[] {
  const inputs = recordedInputs(state, command);
  const next = inputs.reduce(evolve, state);
  const { policy, eligibility } = command.data;
  if (waitingFor(next, eligibility.revision) !== null || next.criticalIllness === null) return inputs;
  const ci = next.criticalIllness;
  if (policy === undefined) return downstreamPayer.parkUntilPolicy(next, inputs, { criticalIllnessRevision: ci.revision });
  const { cause, reason } = causeAndReason(command, state, ci);
  const outcome = decideAssistancePersonYear(policy.terms, ci, eligibility, next.paid, reason);
  const decided = decisionEvents(
    next,
    outcome,
    { policyRevision: policy.revision, cause },
    { settled: 'AssistanceSettled', adjusted: 'AssistanceAdjusted' },
  );
  return [...inputs, ...decided];
}

export const assistancePersonYearDecider: Decider<AssistancePersonYearState, AssistanceCommand, AssistanceEvent> = {
  initialState,
  evolve,
  decide,
};
