import type {
  BasicPersonYearDecided,
  Cause,
  CriticalIllnessDecidedClaim,
  CriticalIllnessPersonYearDecided,
  Payment,
  PersonYearRef,
  ReasonCode,
} from '@msb/contracts';
import { money, print, ZERO } from '@msb/money';
import {
  applyPayments,
  CriticalIllnessPolicy,
  decideCriticalIllnessYear,
  decisionChanged,
  Grant,
  PaidSoFar,
  paymentEvents,
  paymentsFor,
  reasonFromUpstream,
} from '@msb/settlement';

/**
 * The 大病 person-year as a decider. Its facts are basic's latest decision for the
 * person-year (compliant self-pay per claim), the person's grants (for the tilt, 倾斜支付)
 * and the region-year's 大病 policy. Without a policy it parks and waits.
 */

export interface BasicInput {
  revision: number;
  cause: Cause;
  claims: BasicPersonYearDecided['claims'];
}

export interface EligibilityInput {
  revision: number;
  grants: Grant[];
}

export interface CriticalIllnessDecisionSummary {
  /** The basic and eligibility revisions this decision was made on. */
  basicRevision: number;
  eligibilityRevision: number;
  tilted: boolean;
  base: string;
  threshold: string;
  entitlement: string;
  claims: CriticalIllnessDecidedClaim[];
}

export interface CiPersonYearState {
  key: PersonYearRef;
  revision: number;
  basic: BasicInput | null;
  eligibilityRevision: number;
  policyRevision: number;
  parked: boolean;
  paid: Record<string, PaidSoFar>;
  decided: CriticalIllnessDecisionSummary | null;
}

export const initialState = (key: PersonYearRef): CiPersonYearState => ({
  key,
  revision: 0,
  basic: null,
  eligibilityRevision: 0,
  policyRevision: 0,
  parked: false,
  paid: {},
  decided: null,
});

export interface PolicyInForce {
  revision: number;
  terms: CriticalIllnessPolicy;
}

interface Command<Type extends string, Data> {
  type: Type;
  data: Data;
}

/** Every command carries the facts it is decided on: the policy in force (if any) and the person's grants. */
interface Facts {
  policy: PolicyInForce | undefined;
  eligibility: EligibilityInput;
}

export type RecordBasicDecision = Command<'RecordBasicDecision', Facts & { decision: BasicPersonYearDecided }>;
export type ApplyEligibility = Command<
  'ApplyEligibility',
  Facts & { change: 'ELIGIBILITY_GRANTED' | 'ELIGIBILITY_REVOKED'; grantId: string }
>;
export type ApplyPolicyRevision = Command<'ApplyPolicyRevision', Facts>;
export type CiCommand = RecordBasicDecision | ApplyEligibility | ApplyPolicyRevision;

export type CiEvent =
  | { type: 'BasicDecisionRecorded'; data: BasicInput }
  | { type: 'EligibilityRecorded'; data: { revision: number; grants: Grant[] } }
  | { type: 'Parked'; data: { reason: 'NO_POLICY'; basicRevision: number } }
  | { type: 'CriticalIllnessSettled'; data: Payment }
  | { type: 'CriticalIllnessAdjusted'; data: Payment }
  | { type: 'PersonYearDecided'; data: CriticalIllnessPersonYearDecided };

export function evolve(state: CiPersonYearState, event: CiEvent): CiPersonYearState {
  switch (event.type) {
    case 'BasicDecisionRecorded':
      return { ...state, basic: event.data };
    case 'EligibilityRecorded':
      return { ...state, eligibilityRevision: event.data.revision };
    case 'Parked':
      return { ...state, parked: true };
    case 'CriticalIllnessSettled':
    case 'CriticalIllnessAdjusted':
      return { ...state, paid: applyPayments(state.paid, [event.data]) };
    case 'PersonYearDecided': {
      const { personYear: _key, revision, policyRevision, cause: _cause, payments: _payments, ...decided } = event.data;
      return { ...state, revision, policyRevision, eligibilityRevision: decided.eligibilityRevision, parked: false, decided };
    }
    default: {
      const unknown: never = event;
      throw new Error(`unknown event ${JSON.stringify(unknown)}`);
    }
  }
}

function factEvents(state: CiPersonYearState, command: CiCommand): CiEvent[] {
  const events: CiEvent[] = [];
  if (command.type === 'RecordBasicDecision') {
    const d = command.data.decision;
    if (state.basic !== null && d.revision <= state.basic.revision) return []; // an older or repeated decision
    events.push({ type: 'BasicDecisionRecorded', data: { revision: d.revision, cause: d.cause, claims: d.claims } });
  }
  const eligibility = command.data.eligibility;
  if (eligibility.revision > state.eligibilityRevision) {
    events.push({ type: 'EligibilityRecorded', data: { revision: eligibility.revision, grants: eligibility.grants } });
  }
  return events;
}

function causeOf(command: CiCommand, state: CiPersonYearState): Cause {
  switch (command.type) {
    case 'RecordBasicDecision':
      return command.data.decision.cause;
    case 'ApplyEligibility':
      return { reason: command.data.change, grantId: command.data.grantId };
    case 'ApplyPolicyRevision':
      // A parked person-year decided for the first time when its policy arrives keeps basic's cause.
      return state.decided === null && state.basic
        ? state.basic.cause
        : { reason: 'POLICY_REVISED', policyRevision: command.data.policy?.revision };
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

function reasonOf(cause: Cause, command: CiCommand): ReasonCode {
  return command.type === 'ApplyPolicyRevision' && cause.reason === 'POLICY_REVISED' ? 'POLICY_REVISED' : reasonFromUpstream(cause.reason);
}

export function decide(command: CiCommand, state: CiPersonYearState): CiEvent[] {
  const facts = factEvents(state, command);
  const next = facts.reduce(evolve, state);
  const { policy, eligibility } = command.data;
  if (next.basic === null) return facts; // grants of a person-year that has no claims yet
  if (policy === undefined)
    return next.parked ? facts : [...facts, { type: 'Parked', data: { reason: 'NO_POLICY', basicRevision: next.basic.revision } }];

  const live = next.basic.claims.filter((c) => c.status === 'LIVE');
  const year = decideCriticalIllnessYear(
    policy.terms,
    live.map((c) => ({
      claimId: c.claimId,
      version: c.version,
      serviceDate: c.serviceDate,
      visitType: c.visitType,
      compliantSelfPay: money(c.compliantSelfPay),
    })),
    eligibility.grants,
  );
  const amounts = new Map(year.claims.map((c) => [c.claimId, c.criticalIllness]));
  const claims: CriticalIllnessDecidedClaim[] = next.basic.claims.map((c) => ({
    claimId: c.claimId,
    version: c.version,
    status: c.status,
    serviceDate: c.serviceDate,
    visitType: c.visitType,
    compliantSelfPay: c.status === 'LIVE' ? c.compliantSelfPay : '0.00',
    criticalIllness: print(amounts.get(c.claimId) ?? ZERO),
  }));
  const cause = causeOf(command, state);
  const payments = paymentsFor(
    next.basic.claims.map((c) => ({ claimId: c.claimId, version: c.version, amount: amounts.get(c.claimId) ?? ZERO })),
    next.paid,
    () => reasonOf(cause, command),
  );
  const summary: CriticalIllnessDecisionSummary = {
    basicRevision: next.basic.revision,
    eligibilityRevision: eligibility.revision,
    tilted: year.tilted,
    base: print(year.base),
    threshold: print(year.threshold),
    entitlement: print(year.entitlement),
    claims,
  };
  // Assistance waits for a decision on every basic and eligibility revision, so those are
  // always published; a policy revision is published only where it changed something.
  if (!decisionChanged(payments, summary, state.decided)) return facts;

  const decision: CriticalIllnessPersonYearDecided = {
    personYear: next.key,
    revision: next.revision + 1,
    policyRevision: policy.revision,
    cause,
    ...summary,
    payments,
  };
  return [
    ...facts,
    ...paymentEvents(payments, 'CriticalIllnessSettled', 'CriticalIllnessAdjusted'),
    { type: 'PersonYearDecided', data: decision },
  ];
}
