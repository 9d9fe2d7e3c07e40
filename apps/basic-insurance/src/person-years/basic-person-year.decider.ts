import {
  BasicDecidedClaim,
  BasicPersonYearDecided,
  Cause,
  ClaimDto,
  contentHash,
  Payment,
  PersonYearRef,
  ReasonCode,
} from '@msb/contracts';
import { print, ZERO } from '@msb/money';
import {
  applyPayments,
  BasicPolicy,
  byServiceDateThenId,
  claimFromWire,
  decideBasicYear,
  decisionChanged,
  PaidSoFar,
  paymentEvents,
  paymentsFor,
  yearOf,
} from '@msb/settlement';

/**
 * The basic-insurance person-year as a decider (decide / evolve / initialState): pure, no
 * I/O, time from the command's metadata. Every command recomputes the whole year from its
 * facts; the difference from what was paid becomes payment events.
 */

export interface ClaimRecord {
  claim: ClaimDto;
  version: number;
  status: 'LIVE' | 'REVERSED';
}

export interface BasicPersonYearState {
  key: PersonYearRef;
  /** Revision of the last published person-year decision (0: none yet). */
  revision: number;
  policyRevision: number;
  claims: Record<string, ClaimRecord>;
  paid: Record<string, PaidSoFar>;
  /** The claims as last decided, to tell whether a recalculation changed anything. */
  decided: BasicDecidedClaim[];
}

export const initialState = (key: PersonYearRef): BasicPersonYearState => ({
  key,
  revision: 0,
  policyRevision: 0,
  claims: {},
  paid: {},
  decided: [],
});

export interface PolicyInForce {
  revision: number;
  terms: BasicPolicy;
}

interface Command<Type extends string, Data> {
  type: Type;
  data: Data;
  metadata: { now: Date };
}

export type SubmitClaim = Command<'SubmitClaim', { claim: ClaimDto; policy: PolicyInForce }>;
export type CorrectClaim = Command<'CorrectClaim', { claim: ClaimDto; policy: PolicyInForce }>;
export type ReverseClaim = Command<'ReverseClaim', { claimId: string; reason: string; policy: PolicyInForce }>;
export type ApplyPolicyRevision = Command<'ApplyPolicyRevision', { policy: PolicyInForce }>;
export type BasicCommand = SubmitClaim | CorrectClaim | ReverseClaim | ApplyPolicyRevision;

export type BasicEvent =
  | { type: 'ClaimSubmitted'; data: { claim: ClaimDto; version: 1; year: number } }
  | { type: 'ClaimCorrected'; data: { claim: ClaimDto; version: number; year: number } }
  | { type: 'ClaimReversed'; data: { claimId: string; version: number; personYear: PersonYearRef; reason: string } }
  | { type: 'BasicSettled'; data: Payment }
  | { type: 'BasicAdjusted'; data: Payment }
  | { type: 'PersonYearDecided'; data: BasicPersonYearDecided };

export class DecisionRejected extends Error {
  constructor(
    readonly code: 'UNKNOWN_CLAIM' | 'ALREADY_REVERSED' | 'DUPLICATE_CLAIM',
    message: string,
  ) {
    super(message);
    this.name = 'DecisionRejected';
  }
}

export function evolve(state: BasicPersonYearState, event: BasicEvent): BasicPersonYearState {
  switch (event.type) {
    case 'ClaimSubmitted':
    case 'ClaimCorrected':
      return {
        ...state,
        claims: { ...state.claims, [event.data.claim.claimId]: { claim: event.data.claim, version: event.data.version, status: 'LIVE' } },
      };
    case 'ClaimReversed': {
      const record = state.claims[event.data.claimId];
      return { ...state, claims: { ...state.claims, [event.data.claimId]: { ...record, status: 'REVERSED' } } };
    }
    case 'BasicSettled':
    case 'BasicAdjusted':
      return { ...state, paid: applyPayments(state.paid, [event.data]) };
    case 'PersonYearDecided':
      return { ...state, revision: event.data.revision, policyRevision: event.data.policyRevision, decided: event.data.claims };
    default: {
      const unknown: never = event;
      throw new Error(`unknown event ${JSON.stringify(unknown)}`);
    }
  }
}

function factEvents(state: BasicPersonYearState, command: BasicCommand): BasicEvent[] {
  switch (command.type) {
    case 'SubmitClaim': {
      const { claim } = command.data;
      if (state.claims[claim.claimId]) throw new DecisionRejected('DUPLICATE_CLAIM', `claim ${claim.claimId} is already recorded`);
      return [{ type: 'ClaimSubmitted', data: { claim, version: 1, year: yearOf(claim.serviceDate) } }];
    }
    case 'CorrectClaim': {
      const { claim } = command.data;
      const record = state.claims[claim.claimId];
      if (!record) throw new DecisionRejected('UNKNOWN_CLAIM', `claim ${claim.claimId} is not in this person-year`);
      if (record.status === 'REVERSED')
        throw new DecisionRejected('ALREADY_REVERSED', `claim ${claim.claimId} has been reversed and cannot be corrected`);
      if (contentHash(record.claim) === contentHash(claim)) return []; // the same correction again changes nothing
      return [{ type: 'ClaimCorrected', data: { claim, version: record.version + 1, year: yearOf(claim.serviceDate) } }];
    }
    case 'ReverseClaim': {
      const record = state.claims[command.data.claimId];
      if (!record) throw new DecisionRejected('UNKNOWN_CLAIM', `claim ${command.data.claimId} is not in this person-year`);
      if (record.status === 'REVERSED') throw new DecisionRejected('ALREADY_REVERSED', `claim ${command.data.claimId} is already reversed`);
      return [
        {
          type: 'ClaimReversed',
          data: { claimId: command.data.claimId, version: record.version, personYear: state.key, reason: command.data.reason },
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

function subjectClaim(command: BasicCommand): string | undefined {
  switch (command.type) {
    case 'SubmitClaim':
    case 'CorrectClaim':
      return command.data.claim.claimId;
    case 'ReverseClaim':
      return command.data.claimId;
    default:
      return undefined;
  }
}

/** What set this decision off, and the reason each changed claim gets. */
function causeOf(command: BasicCommand, state: BasicPersonYearState, adjustedOthers: boolean): Cause {
  switch (command.type) {
    case 'SubmitClaim':
      return { reason: adjustedOthers ? 'LATE_CLAIM' : 'INITIAL', claimId: command.data.claim.claimId };
    case 'CorrectClaim':
      return { reason: 'CORRECTION', claimId: command.data.claim.claimId };
    case 'ReverseClaim':
      return { reason: 'REVERSAL', claimId: command.data.claimId };
    case 'ApplyPolicyRevision':
      return { reason: 'POLICY_REVISED', policyRevision: command.data.policy.revision };
    default: {
      void state;
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

function reasonFor(command: BasicCommand): ReasonCode {
  switch (command.type) {
    case 'SubmitClaim':
      return 'LATE_CLAIM';
    case 'CorrectClaim':
      return 'CORRECTION';
    case 'ReverseClaim':
      return 'REVERSAL';
    case 'ApplyPolicyRevision':
      return 'POLICY_REVISED';
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

const NOTHING = '0.00';

/** Recompute the year on the given facts: payments and, when anything changed, a new decision. */
function decideYear(state: BasicPersonYearState, command: BasicCommand, policy: PolicyInForce): BasicEvent[] {
  const records = Object.values(state.claims);
  const live = records.filter((r) => r.status === 'LIVE').map((r) => claimFromWire(r.claim, r.version));
  const year = decideBasicYear(policy.terms, live);
  const byId = new Map(year.claims.map((c) => [c.claimId, c]));

  const decided: BasicDecidedClaim[] = records
    .map((r): BasicDecidedClaim => {
      const c = byId.get(r.claim.claimId);
      return c
        ? {
            claimId: c.claimId,
            version: c.version,
            status: 'LIVE',
            serviceDate: c.serviceDate,
            visitType: c.visitType,
            total: print(c.total),
            policyScope: print(c.policyScope),
            ciExtra: print(c.ciExtra),
            basic: print(c.basic),
            compliantSelfPay: print(c.compliantSelfPay),
          }
        : {
            claimId: r.claim.claimId,
            version: r.version,
            status: 'REVERSED',
            serviceDate: r.claim.serviceDate,
            visitType: r.claim.visitType,
            total: NOTHING,
            policyScope: NOTHING,
            ciExtra: NOTHING,
            basic: NOTHING,
            compliantSelfPay: NOTHING,
          };
    })
    .sort(byServiceDateThenId);

  const subject = subjectClaim(command);
  const payments = paymentsFor(
    decided.map((d) => ({ claimId: d.claimId, version: d.version, amount: byId.get(d.claimId)?.basic ?? ZERO })),
    state.paid,
    () => reasonFor(command),
  );
  // A revision that changes nothing for this person-year is not news: nothing is published.
  if (!decisionChanged(payments, decided, state.decided)) return [];

  const adjustedOthers = payments.some((p) => p.kind === 'ADJUSTED' && p.claimId !== subject);
  const decision: BasicPersonYearDecided = {
    personYear: state.key,
    revision: state.revision + 1,
    policyRevision: policy.revision,
    cause: causeOf(command, state, adjustedOthers),
    claims: decided,
    payments,
  };
  return [...paymentEvents(payments, 'BasicSettled', 'BasicAdjusted'), { type: 'PersonYearDecided', data: decision }];
}

/** decide(command, state) → events. Throws DecisionRejected for commands the facts refuse. */
export function decide(command: BasicCommand, state: BasicPersonYearState): BasicEvent[] {
  const facts = factEvents(state, command);
  if (facts.length === 0 && command.type !== 'ApplyPolicyRevision') return [];
  const next = facts.reduce(evolve, state);
  return [...facts, ...decideYear(next, command, command.data.policy)];
}
