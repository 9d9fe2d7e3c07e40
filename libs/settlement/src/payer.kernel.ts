import { applyDecision, Cause, ClaimOrder, DecidedClaim, DecisionShape, diffDecision, Payment, PersonYearRef } from '@msb/contracts';
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

/**
 * The integration event every payer publishes (v2): who, which revision and the one it follows,
 * on which policy, why, its figures with only the claims that changed, the year's totals and the
 * payments.
 */
export type PersonYearDecision<Summary, Totals = unknown> = {
  personYear: PersonYearRef;
  revision: number;
  previousRevision: number;
} & DecisionGrounds &
  Summary & { totals: Totals; payments: Payment[] };

export type DecisionEvents<S extends string, A extends string, Summary, Totals> = (
  { type: S; data: Payment } | { type: A; data: Payment } | { type: 'PersonYearDecided'; data: PersonYearDecision<Summary, Totals> }
)[];

/**
 * The common end of every payer's `decide`: a recomputation that pays nothing and reads as
 * the last decision did (whole figures compared) is not news (nothing is published); otherwise
 * its payments become `settled` / `adjusted` events followed by the person-year decision,
 * numbered after the one the state was decided on, carrying only the claims whose figures
 * changed since then and the year's totals over all of them.
 */
/**
 * What a decision was made on besides its inputs' figures, and why: the policy revision, the
 * catalogue and hospital-registry revisions where the payer has them, the cause. Not news by
 * itself: a revision that changes no figure publishes nothing.
 */
export interface DecisionGrounds {
  policyRevision: number;
  catalogueRevision?: number;
  hospitalRegistryRevision?: number;
  cause: Cause;
}

export function decisionEvents<S extends string, A extends string, C extends DecidedClaim, Totals, Summary extends { claims: C[] }>(
  on: { key: PersonYearRef; revision: number; decided: Summary | null },
  outcome: PayerOutcome<Summary>,
  why: DecisionGrounds,
  types: { settled: S; adjusted: A },
  shape: Pick<DecisionShape<C, Totals>, 'totals'>,
): DecisionEvents<S, A, Summary, Totals> {
  if (!decisionChanged(outcome.payments, outcome.summary, on.decided)) return [];
  const decision = {
    personYear: on.key,
    revision: on.revision + 1,
    previousRevision: on.revision,
    ...why,
    ...outcome.summary,
    claims: diffDecision(on.decided, outcome.summary),
    totals: shape.totals(outcome.summary.claims),
    payments: outcome.payments,
  } as PersonYearDecision<Summary, Totals>;
  return [...paymentEvents(outcome.payments, types.settled, types.adjusted), { type: 'PersonYearDecided', data: decision }];
}

/**
 * What a decider keeps of its decisions: the whole decided summary, the decision's delta merged
 * into the summary it followed (in the payer's claim order), so the next decision can tell what
 * changed and whether it is news.
 */
export function decidedSummary<C extends DecidedClaim, Summary extends { claims: C[] }>(
  previous: Summary | null,
  decision: PersonYearDecision<Summary>,
  order: ClaimOrder<C>,
): Summary {
  const {
    personYear: _key,
    revision: _revision,
    previousRevision: _previous,
    policyRevision: _policy,
    catalogueRevision: _catalogue,
    hospitalRegistryRevision: _registry,
    cause: _cause,
    totals: _totals,
    payments: _payments,
    ...summary
  } = decision;
  return applyDecision(previous, summary as unknown as Summary, order);
}
