import type {
  AssistanceDecidedClaim,
  AssistancePersonYearDecided,
  Category,
  Cause,
  CriticalIllnessPersonYearDecided,
  Payment,
  PersonYearRef,
  ReasonCode,
} from '@msb/contracts';
import { money, print, ZERO } from '@msb/money';
import {
  applyPayments,
  AssistancePolicy,
  decideAssistanceYear,
  decisionChanged,
  Grant,
  PaidSoFar,
  paymentEvents,
  paymentsFor,
  reasonFromUpstream,
} from '@msb/settlement';

/**
 * The medical-assistance person-year as a decider. 保险在先、救助在后: it decides only on a
 * 大病 decision made on basic's latest revision and on the person's current eligibility;
 * otherwise it waits for the 大病 decision that is on its way. Without a policy it parks.
 */

export interface CriticalIllnessInput {
  revision: number;
  basicRevision: number;
  eligibilityRevision: number;
  cause: Cause;
  claims: CriticalIllnessPersonYearDecided['claims'];
}

export interface AssistanceDecisionSummary {
  basicRevision: number;
  criticalIllnessRevision: number;
  eligibilityRevision: number;
  category: Category | null;
  base: string;
  entitlement: string;
  claims: AssistanceDecidedClaim[];
}

export interface AssistancePersonYearState {
  key: PersonYearRef;
  revision: number;
  /** The newest basic revision known to exist for the person-year. */
  latestBasicRevision: number;
  criticalIllness: CriticalIllnessInput | null;
  policyRevision: number;
  parked: boolean;
  paid: Record<string, PaidSoFar>;
  decided: AssistanceDecisionSummary | null;
}

export const initialState = (key: PersonYearRef): AssistancePersonYearState => ({
  key,
  revision: 0,
  latestBasicRevision: 0,
  criticalIllness: null,
  policyRevision: 0,
  parked: false,
  paid: {},
  decided: null,
});

export interface PolicyInForce {
  revision: number;
  terms: AssistancePolicy;
}

interface Facts {
  policy: PolicyInForce | undefined;
  eligibility: { revision: number; grants: Grant[] };
}

interface Command<Type extends string, Data> {
  type: Type;
  data: Data;
}

export type RecordBasicRevision = Command<'RecordBasicRevision', Facts & { basicRevision: number }>;
export type RecordCriticalIllnessDecision = Command<
  'RecordCriticalIllnessDecision',
  Facts & { decision: CriticalIllnessPersonYearDecided }
>;
export type ApplyPolicyRevision = Command<'ApplyPolicyRevision', Facts>;
export type AssistanceCommand = RecordBasicRevision | RecordCriticalIllnessDecision | ApplyPolicyRevision;

export type AssistanceEvent =
  | { type: 'BasicRevisionSeen'; data: { basicRevision: number } }
  | { type: 'CriticalIllnessDecisionRecorded'; data: CriticalIllnessInput }
  | { type: 'Parked'; data: { reason: 'NO_POLICY'; criticalIllnessRevision: number } }
  | { type: 'AssistanceSettled'; data: Payment }
  | { type: 'AssistanceAdjusted'; data: Payment }
  | { type: 'PersonYearDecided'; data: AssistancePersonYearDecided };

export function evolve(state: AssistancePersonYearState, event: AssistanceEvent): AssistancePersonYearState {
  switch (event.type) {
    case 'BasicRevisionSeen':
      return { ...state, latestBasicRevision: Math.max(state.latestBasicRevision, event.data.basicRevision) };
    case 'CriticalIllnessDecisionRecorded':
      return { ...state, criticalIllness: event.data, latestBasicRevision: Math.max(state.latestBasicRevision, event.data.basicRevision) };
    case 'Parked':
      return { ...state, parked: true };
    case 'AssistanceSettled':
    case 'AssistanceAdjusted':
      return { ...state, paid: applyPayments(state.paid, [event.data]) };
    case 'PersonYearDecided': {
      const { personYear: _key, revision, policyRevision, cause: _cause, payments: _payments, ...decided } = event.data;
      return { ...state, revision, policyRevision, parked: false, decided };
    }
    default: {
      const unknown: never = event;
      throw new Error(`unknown event ${JSON.stringify(unknown)}`);
    }
  }
}

function factEvents(state: AssistancePersonYearState, command: AssistanceCommand): AssistanceEvent[] {
  switch (command.type) {
    case 'RecordBasicRevision':
      return command.data.basicRevision > state.latestBasicRevision
        ? [{ type: 'BasicRevisionSeen', data: { basicRevision: command.data.basicRevision } }]
        : [];
    case 'RecordCriticalIllnessDecision': {
      const d = command.data.decision;
      if (state.criticalIllness !== null && d.revision <= state.criticalIllness.revision) return [];
      return [
        {
          type: 'CriticalIllnessDecisionRecorded',
          data: {
            revision: d.revision,
            basicRevision: d.basicRevision,
            eligibilityRevision: d.eligibilityRevision,
            cause: d.cause,
            claims: d.claims,
          },
        },
      ];
    }
    case 'ApplyPolicyRevision':
      return [];
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
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

function causeOf(command: AssistanceCommand, state: AssistancePersonYearState, ci: CriticalIllnessInput): Cause {
  if (command.type === 'ApplyPolicyRevision' && state.decided !== null)
    return { reason: 'POLICY_REVISED', policyRevision: command.data.policy?.revision };
  return ci.cause;
}

function reasonOf(cause: Cause, command: AssistanceCommand, state: AssistancePersonYearState): ReasonCode {
  return command.type === 'ApplyPolicyRevision' && state.decided !== null ? 'POLICY_REVISED' : reasonFromUpstream(cause.reason);
}

export function decide(command: AssistanceCommand, state: AssistancePersonYearState): AssistanceEvent[] {
  const facts = factEvents(state, command);
  const next = facts.reduce(evolve, state);
  const { policy, eligibility } = command.data;
  if (waitingFor(next, eligibility.revision) !== null || next.criticalIllness === null) return facts;
  const ci = next.criticalIllness;
  if (policy === undefined)
    return next.parked ? facts : [...facts, { type: 'Parked', data: { reason: 'NO_POLICY', criticalIllnessRevision: ci.revision } }];

  const live = ci.claims.filter((c) => c.status === 'LIVE');
  const year = decideAssistanceYear(
    policy.terms,
    live.map((c) => ({
      claimId: c.claimId,
      version: c.version,
      serviceDate: c.serviceDate,
      visitType: c.visitType,
      compliantSelfPay: money(c.compliantSelfPay),
      criticalIllness: money(c.criticalIllness),
    })),
    eligibility.grants,
  );
  const byId = new Map(year.claims.map((c) => [c.claimId, c]));
  const claims: AssistanceDecidedClaim[] = ci.claims.map((c) => ({
    claimId: c.claimId,
    version: c.version,
    status: c.status,
    eligible: byId.get(c.claimId)?.eligible ?? false,
    assistance: print(byId.get(c.claimId)?.assistance ?? ZERO),
  }));
  const cause = causeOf(command, state, ci);
  const payments = paymentsFor(
    ci.claims.map((c) => ({ claimId: c.claimId, version: c.version, amount: byId.get(c.claimId)?.assistance ?? ZERO })),
    next.paid,
    () => reasonOf(cause, command, state),
  );
  const summary: AssistanceDecisionSummary = {
    basicRevision: ci.basicRevision,
    criticalIllnessRevision: ci.revision,
    eligibilityRevision: eligibility.revision,
    category: year.category,
    base: print(year.base),
    entitlement: print(year.entitlement),
    claims,
  };
  if (!decisionChanged(payments, summary, next.decided)) return facts;
  const decision: AssistancePersonYearDecided = {
    personYear: next.key,
    revision: next.revision + 1,
    policyRevision: policy.revision,
    cause,
    ...summary,
    payments,
  };
  return [...facts, ...paymentEvents(payments, 'AssistanceSettled', 'AssistanceAdjusted'), { type: 'PersonYearDecided', data: decision }];
}
