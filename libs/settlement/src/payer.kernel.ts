import type { Cause, Payment, PersonYearRef } from '@msb/contracts';
import type { EligibilitySpan } from './domain.types';
import { decisionChanged, paymentEvents } from './payments.rules';

/**
 * What the three payers' person-year deciders share: the shape of a command and of a decider
 * (emmett's: decide / evolve / initialState, all pure), the facts a command carries (the policy
 * and eligibility in force), refusals with codes, and the common end of `decide`.
 */

/** A command to a person-year decider: an explicit type and its data. */
export interface Command<Type extends string, Data> {
  type: Type;
  data: Data;
}

/** A decider over one person-year stream. `decide` throws DecisionRejected for a command its state refuses. */
export interface Decider<State, C extends { type: string }, E extends { type: string; data: unknown }> {
  initialState: (key: PersonYearRef) => State;
  evolve: (state: State, event: E) => State;
  decide: (command: C, state: State) => E[];
}

/** A policy section in force for a region-year, with the revision it was recorded as. */
export interface PolicyInForce<Terms> {
  revision: number;
  terms: Terms;
}

/**
 * The person's eligibility (救助对象认定) at a revision: the windows civil affairs published
 * (大病, audit) or, in assistance, its own grants, revoked ones included.
 */
export interface EligibilityInForce {
  revision: number;
  windows: readonly EligibilitySpan[];
}

/** What a downstream payer decides on besides its upstream input: its policy (if any yet) and the person's eligibility. */
export interface InForce<Terms> {
  policy: PolicyInForce<Terms> | undefined;
  eligibility: EligibilityInForce;
}

/** A downstream payer's recalculation on a policy revision, with the person's eligibility (none yet: revision 0). */
export const applyPolicyRevision = <Terms>(
  policy: PolicyInForce<Terms>,
  eligibility: EligibilityInForce = { revision: 0, windows: [] },
): Command<'ApplyPolicyRevision', InForce<Terms>> => ({ type: 'ApplyPolicyRevision', data: { policy, eligibility } });

export interface FieldProblem {
  path: string;
  message: string;
}

/** A command the person-year's recorded facts refuse, with a machine-readable code (and the fields at fault, if any). */
export class DecisionRejected<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly problems: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'DecisionRejected';
  }
}

/** A payer's person-year decision before it is numbered: its own figures and the payments against what was paid before. */
export interface PayerOutcome<Summary> {
  summary: Summary;
  payments: Payment[];
}

/** The integration event every payer publishes: who, which revision, on which policy, why, its figures and payments. */
export type PersonYearDecision<Summary> = {
  personYear: PersonYearRef;
  revision: number;
  policyRevision: number;
  cause: Cause;
} & Summary & { payments: Payment[] };

export type DecisionEvents<S extends string, A extends string, Summary> = (
  { type: S; data: Payment } | { type: A; data: Payment } | { type: 'PersonYearDecided'; data: PersonYearDecision<Summary> }
)[];

/**
 * The common end of every payer's `decide`: a recomputation that pays nothing and reads as
 * the last decision did is not news (nothing is published); otherwise its payments become
 * `settled` / `adjusted` events followed by the person-year decision, numbered after the one
 * the state was decided on.
 */
export function decisionEvents<S extends string, A extends string, Summary extends object>(
  on: { key: PersonYearRef; revision: number; decided: Summary | null },
  outcome: PayerOutcome<Summary>,
  why: { policyRevision: number; cause: Cause },
  types: { settled: S; adjusted: A },
): DecisionEvents<S, A, Summary> {
  if (!decisionChanged(outcome.payments, outcome.summary, on.decided)) return [];
  const decision = {
    personYear: on.key,
    revision: on.revision + 1,
    ...why,
    ...outcome.summary,
    payments: outcome.payments,
  } as PersonYearDecision<Summary>;
  return [...paymentEvents(outcome.payments, types.settled, types.adjusted), { type: 'PersonYearDecided', data: decision }];
}

/** A decision taken apart: the figures a decider keeps to tell whether the next one is news. */
export function summaryOf<Summary extends object>(decision: PersonYearDecision<Summary>): Summary {
  const { personYear: _key, revision: _revision, policyRevision: _policy, cause: _cause, payments: _payments, ...summary } = decision;
  return summary as unknown as Summary;
}
