import {
  BasicPersonYearDecided,
  byServiceDateThenId,
  Cause,
  CRITICAL_ILLNESS_DECISION,
  CriticalIllnessPersonYearDecided,
  diffDecision,
  mergeClaims,
  PersonYearRef,
  ReasonCode,
  releasable,
  standingOf,
} from '@msb/contracts';
import {
  BasicRevision,
  Command,
  criticalIllnessBasis,
  CriticalIllnessBasis,
  CriticalIllnessCatalogueInForce,
  CriticalIllnessDecisionSummary,
  CriticalIllnessPolicy,
  decideCriticalIllnessPersonYear,
  Decider,
  decisionEvents,
  downstreamPayer,
  EligibilityInForce,
  EligibilityWindow,
  InForce,
  NO_CATALOGUE,
  reasonFromUpstream,
} from '@msb/settlement';

/**
 * The 大病 person-year as a decider. It decides on basic's latest decision for the person-year
 * (compliant self-pay per claim), the person's eligibility windows (for the tilt, 倾斜支付) and the
 * region-year's 大病 policy. Without a policy it parks and waits. Basic's decisions carry only
 * the claims that changed: they are merged in revision order, and when one is missing (a gap)
 * the later ones are held and nothing is decided until it arrives.
 */

/**
 * Basic's decision as 大病 keeps it in its state, with the cause it carries downstream: every
 * claim of the year (each decision's changes merged in), of each only what 大病 decides on.
 */
export interface BasicInput extends BasicRevision {
  cause: Cause;
  claims: CriticalIllnessBasis[];
}

/** One of basic's decisions as 大病 records it: its revision, the one it follows, its cause, the bases it changed. */
export interface BasicRecorded {
  revision: number;
  /** Absent in events recorded before decisions carried deltas (those hold every claim). */
  previousRevision?: number;
  cause: Cause;
  claims: CriticalIllnessBasis[];
}

export interface CiPersonYearState extends downstreamPayer.State<CriticalIllnessDecisionSummary> {
  basic: BasicInput | null;
  eligibilityRevision: number;
  /** Basic decisions that came after a gap, by revision: the person-year decides nothing until the missing one arrives. */
  held: Record<string, Required<BasicRecorded>>;
}

export const initialState = (key: PersonYearRef): CiPersonYearState => ({
  ...downstreamPayer.initialState(key),
  basic: null,
  eligibilityRevision: 0,
  held: {},
});

/** Snapshots saved before holding have no `held`. */
const heldOf = (state: CiPersonYearState): Required<BasicRecorded>[] => Object.values(state.held ?? {});

/**
 * Every command carries what is in force when it is decided: the policy (if any), the person's
 * eligibility and 大病's catalogue of the region-year (absent: none yet, which admits nothing beyond basic scope).
 */
export type CiInForce = InForce<CriticalIllnessPolicy> & { catalogue?: CriticalIllnessCatalogueInForce };

export type RecordBasicDecision = Command<'RecordBasicDecision', CiInForce & { decision: BasicPersonYearDecided }>;
export type ApplyEligibility = Command<
  'ApplyEligibility',
  CiInForce & { change: 'ELIGIBILITY_GRANTED' | 'ELIGIBILITY_REVOKED'; grantId: string }
>;
export type ApplyPolicyRevision = Command<'ApplyPolicyRevision', CiInForce>;
export type CiCommand = RecordBasicDecision | ApplyEligibility | ApplyPolicyRevision;

export type CiEvent =
  // only the bases that changed (events recorded before deltas carry every claim, some with basic's other figures too)
  | { type: 'BasicDecisionRecorded'; data: BasicRecorded }
  | { type: 'BasicDecisionHeld'; data: Required<BasicRecorded> }
  // events recorded before windows carry `grants` in place of `windows`; evolve reads only the revision
  | { type: 'EligibilityRecorded'; data: { revision: number; windows: readonly EligibilityWindow[] } }
  | downstreamPayer.Events<'CriticalIllness', CriticalIllnessPersonYearDecided, { basicRevision: number }>;

export function evolve(state: CiPersonYearState, event: CiEvent): CiPersonYearState {
  switch (event.type) {
    case 'BasicDecisionRecorded': {
      const { revision, cause, claims } = event.data;
      const merged = mergeClaims(state.basic?.claims ?? [], claims.map(criticalIllnessBasis), byServiceDateThenId);
      const held = Object.fromEntries(Object.entries(state.held ?? {}).filter(([, h]) => h.revision > revision));
      return { ...state, basic: { revision, cause, claims: merged }, held };
    }
    case 'BasicDecisionHeld':
      return { ...state, held: { ...state.held, [event.data.revision]: event.data } };
    case 'EligibilityRecorded':
      return { ...state, eligibilityRevision: event.data.revision };
    case 'PersonYearDecided':
      return {
        ...downstreamPayer.evolve(state, event, CRITICAL_ILLNESS_DECISION.order),
        eligibilityRevision: event.data.eligibilityRevision,
      };
    default:
      return downstreamPayer.evolve(state, event, CRITICAL_ILLNESS_DECISION.order);
  }
}

/** A basic decision as 大病 takes it in: of each changed claim only what 大病 decides on. */
const basisOf = (d: BasicPersonYearDecided): Required<BasicRecorded> => ({
  revision: d.revision,
  previousRevision: d.previousRevision,
  cause: d.cause,
  claims: d.claims.map(criticalIllnessBasis),
});

/** Recorded: only the bases that differ from what 大病 holds (basic may have changed figures 大病 does not read). */
const recordedOf = (state: CiPersonYearState, d: Required<BasicRecorded>): CiEvent => ({
  type: 'BasicDecisionRecorded',
  data: { ...d, claims: diffDecision(state.basic, { claims: mergeClaims(state.basic?.claims ?? [], d.claims, byServiceDateThenId) }) },
});

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
      return {
        cause: {
          reason: 'POLICY_REVISED',
          policyRevision: command.data.policy?.revision,
          ...(command.data.catalogue && command.data.catalogue.revision > 0 ? { catalogueRevision: command.data.catalogue.revision } : {}),
        },
        reason: 'POLICY_REVISED',
      };
    default: {
      const unknown: never = command;
      throw new Error(`unknown command type ${String((unknown as { type?: unknown }).type)}`); // the type only: its data may hold a claim (never into an error, hence a log)
    }
  }
}

/** A decision on the person-year as it now stands, or parking without a policy. */
function decideNow(command: CiCommand, next: CiPersonYearState, cause: Cause, reason: ReasonCode): CiEvent[] {
  const { policy, eligibility } = command.data;
  const catalogue = command.data.catalogue ?? NO_CATALOGUE;
  if (next.basic === null) return []; // grants of a person-year that has no claims yet
  if (policy === undefined) return downstreamPayer.parkUntilPolicy(next, [], { basicRevision: next.basic.revision });
  const outcome = decideCriticalIllnessPersonYear(policy.terms, next.basic, eligibility, next.paid, reason, catalogue);
  return decisionEvents(
    next,
    outcome,
    { policyRevision: policy.revision, ...(catalogue.revision > 0 ? { catalogueRevision: catalogue.revision } : {}), cause },
    { settled: 'CriticalIllnessSettled', adjusted: 'CriticalIllnessAdjusted' },
    CRITICAL_ILLNESS_DECISION,
  );
}

/**
 * decide(command, state) → events. Assistance waits for a decision on every basic and
 * eligibility revision, so those are always published; a policy revision is published only
 * where it changed something. A basic decision after a gap is held; when the missing one
 * arrives, it and the held ones are recorded and decided in revision order, as if they had
 * come in order. While a person-year holds, other commands record their inputs and decide nothing.
 */
export function decide(command: CiCommand, state: CiPersonYearState): CiEvent[] {
  const events: CiEvent[] = [];
  let next = state;
  const record = (...es: CiEvent[]) => {
    for (const e of es) {
      events.push(e);
      next = evolve(next, e);
    }
  };
  const eligibility: EligibilityInForce = command.data.eligibility;
  const recordEligibility = () => {
    if (eligibility.revision > next.eligibilityRevision)
      record({ type: 'EligibilityRecorded', data: { revision: eligibility.revision, windows: eligibility.windows } });
  };
  if (command.type === 'RecordBasicDecision') {
    const d = basisOf(command.data.decision);
    const holding = state.basic?.revision ?? 0;
    const standing = standingOf(holding, d);
    if (standing === 'SEEN' || heldOf(state).some((h) => h.revision === d.revision)) return []; // an older or repeated decision
    if (standing === 'GAP') {
      record({ type: 'BasicDecisionHeld', data: d });
      recordEligibility();
      return events;
    }
    const chain = [d, ...releasable(d.revision, heldOf(state)).apply];
    for (const [i, b] of chain.entries()) {
      record(recordedOf(next, b));
      if (i === 0) recordEligibility();
      record(...decideNow(command, next, b.cause, reasonFromUpstream(b.cause.reason)));
    }
    return events;
  }
  recordEligibility();
  // waiting for a missing basic revision, or grants of a person-year that has no claims yet
  if (heldOf(next).length > 0 || next.basic === null) return events;
  const { cause, reason } = causeAndReason(command, state, next.basic);
  return [...events, ...decideNow(command, next, cause, reason)];
}

export const criticalIllnessPersonYearDecider: Decider<CiPersonYearState, CiCommand, CiEvent> = { initialState, evolve, decide };
