import {
  ASSISTANCE_DECISION,
  AssistancePersonYearDecided,
  byServiceDateThenId,
  Cause,
  CriticalIllnessPersonYearDecided,
  diffDecision,
  inTheOrderOf,
  mergeClaims,
  PersonYearRef,
  ReasonCode,
  releasable,
  standingOf,
} from '@msb/contracts';
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
 * 大病's decisions carry only the claims that changed: they are merged in revision order, and
 * when one is missing (a gap) the later ones are held and nothing is decided until it arrives.
 * Of basic's decisions assistance reads only the revision (the newest known to exist), so a
 * gap there leaves it no partial view.
 */

/** 大病's decision as assistance keeps it: every claim of the year, with the revisions it was made on and the cause it carries. */
export interface CriticalIllnessInput extends CriticalIllnessRevision {
  eligibilityRevision: number;
  cause: Cause;
  claims: CriticalIllnessPersonYearDecided['claims'];
}

/** One of 大病's decisions as assistance records it: the claims it changed (events recorded before deltas carry every claim). */
export interface CriticalIllnessRecorded extends CriticalIllnessInput {
  previousRevision?: number;
}

export interface AssistancePersonYearState extends downstreamPayer.State<AssistanceDecisionSummary> {
  /** The newest basic revision known to exist for the person-year. */
  latestBasicRevision: number;
  criticalIllness: CriticalIllnessInput | null;
  /** 大病 decisions that came after a gap, by revision: the person-year decides nothing until the missing one arrives. */
  held: Record<string, Required<CriticalIllnessRecorded>>;
}

export const initialState = (key: PersonYearRef): AssistancePersonYearState => ({
  ...downstreamPayer.initialState(key),
  latestBasicRevision: 0,
  criticalIllness: null,
  held: {},
});

/** Snapshots saved before holding have no `held`. */
const heldOf = (state: AssistancePersonYearState): Required<CriticalIllnessRecorded>[] => Object.values(state.held ?? {});

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
  | { type: 'CriticalIllnessDecisionRecorded'; data: CriticalIllnessRecorded }
  | { type: 'CriticalIllnessDecisionHeld'; data: Required<CriticalIllnessRecorded> }
  | downstreamPayer.Events<'Assistance', AssistancePersonYearDecided, { criticalIllnessRevision: number }>;

export function evolve(state: AssistancePersonYearState, event: AssistanceEvent): AssistancePersonYearState {
  switch (event.type) {
    case 'BasicRevisionSeen':
      return { ...state, latestBasicRevision: Math.max(state.latestBasicRevision, event.data.basicRevision) };
    case 'CriticalIllnessDecisionRecorded': {
      const { revision, basicRevision, eligibilityRevision, cause, claims } = event.data;
      const merged = mergeClaims(state.criticalIllness?.claims ?? [], claims, byServiceDateThenId);
      return {
        ...state,
        criticalIllness: { revision, basicRevision, eligibilityRevision, cause, claims: merged },
        latestBasicRevision: Math.max(state.latestBasicRevision, basicRevision),
        held: Object.fromEntries(Object.entries(state.held ?? {}).filter(([, h]) => h.revision > revision)),
      };
    }
    case 'CriticalIllnessDecisionHeld':
      return { ...state, held: { ...state.held, [event.data.revision]: event.data } };
    default:
      // assistance lists its claims in the order of the 大病 decision it decided on
      return downstreamPayer.evolve(state, event, inTheOrderOf(state.criticalIllness?.claims ?? []));
  }
}

/** A 大病 decision as assistance takes it in. */
const inputOf = (d: CriticalIllnessPersonYearDecided): Required<CriticalIllnessRecorded> => {
  const { revision, previousRevision, basicRevision, eligibilityRevision, cause, claims } = d;
  return { revision, previousRevision, basicRevision, eligibilityRevision, cause, claims };
};

/** Recorded: only the claims that differ from what assistance holds (an upcast full decision repeats the others). */
const recordedOf = (state: AssistancePersonYearState, d: Required<CriticalIllnessRecorded>): AssistanceEvent => ({
  type: 'CriticalIllnessDecisionRecorded',
  data: {
    ...d,
    claims: diffDecision(state.criticalIllness, {
      claims: mergeClaims(state.criticalIllness?.claims ?? [], d.claims, byServiceDateThenId),
    }),
  },
});

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

/** A decision when 大病 decided on basic's latest revision and on the current eligibility (parking without a policy). */
function decideNow(command: AssistanceCommand, state: AssistancePersonYearState, next: AssistancePersonYearState): AssistanceEvent[] {
  const { policy, eligibility } = command.data;
  if (waitingFor(next, eligibility.revision) !== null || next.criticalIllness === null) return [];
  const ci = next.criticalIllness;
  if (policy === undefined) return downstreamPayer.parkUntilPolicy(next, [], { criticalIllnessRevision: ci.revision });
  const { cause, reason } = causeAndReason(command, state, ci);
  const outcome = decideAssistancePersonYear(policy.terms, ci, eligibility, next.paid, reason);
  return decisionEvents(
    next,
    outcome,
    { policyRevision: policy.revision, cause },
    { settled: 'AssistanceSettled', adjusted: 'AssistanceAdjusted' },
    ASSISTANCE_DECISION,
  );
}

/**
 * decide(command, state) → events. A 大病 decision after a gap is held; when the missing one
 * arrives, it and the held ones are recorded in revision order, each decided on when ready, as
 * if they had come in order. While a person-year holds, other commands record their inputs and
 * decide nothing.
 */
export function decide(command: AssistanceCommand, state: AssistancePersonYearState): AssistanceEvent[] {
  const events: AssistanceEvent[] = [];
  let next = state;
  const record = (...es: AssistanceEvent[]) => {
    for (const e of es) {
      events.push(e);
      next = evolve(next, e);
    }
  };
  switch (command.type) {
    case 'RecordBasicRevision':
      if (command.data.basicRevision > state.latestBasicRevision)
        record({ type: 'BasicRevisionSeen', data: { basicRevision: command.data.basicRevision } });
      break;
    case 'RecordCriticalIllnessDecision': {
      const d = inputOf(command.data.decision);
      const standing = standingOf(state.criticalIllness?.revision ?? 0, d);
      if (standing === 'SEEN' || heldOf(state).some((h) => h.revision === d.revision)) return []; // an older or repeated decision
      if (standing === 'GAP') return [{ type: 'CriticalIllnessDecisionHeld', data: d }];
      for (const ci of [d, ...releasable(d.revision, heldOf(state)).apply]) {
        const before = next;
        record(recordedOf(next, ci));
        record(...decideNow(command, before, next));
      }
      return events;
    }
    case 'ApplyPolicyRevision':
      break;
    default: {
      const unknown: never = command;
      throw new Error(`unknown command type ${String((unknown as { type?: unknown }).type)}`); // the type only: its data may hold a claim (never into an error, hence a log)
    }
  }
  if (heldOf(next).length > 0) return events; // waiting for a missing 大病 revision
  return [...events, ...decideNow(command, state, next)];
}

export const assistancePersonYearDecider: Decider<AssistancePersonYearState, AssistanceCommand, AssistanceEvent> = {
  initialState,
  evolve,
  decide,
};
