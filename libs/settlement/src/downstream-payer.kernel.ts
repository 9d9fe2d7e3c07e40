import type { ClaimOrder, DecidedClaim, Payment, PersonYearRef } from '@msb/contracts';
import { decidedSummary, PersonYearDecision } from './payer.kernel';
import { applyPayments, PaidSoFar } from './payments.rules';

/**
 * What 大病 and assistance share as payers downstream of basic: the part of the person-year
 * state that records their own decisions (they park without a policy), the events that change
 * it, and its evolve. Exported as the namespace `downstreamPayer`.
 */

/** What every downstream payer's person-year keeps of its own decisions. */
export interface State<Summary> {
  key: PersonYearRef;
  /** Revision of the last published person-year decision (0: none yet). */
  revision: number;
  policyRevision: number;
  /** Waiting for the region-year's first policy. */
  parked: boolean;
  paid: Record<string, PaidSoFar>;
  /** The whole of the last decision: every claim, each decision's delta merged in. */
  decided: Summary | null;
}

export const initialState = (key: PersonYearRef): State<never> => ({
  key,
  revision: 0,
  policyRevision: 0,
  parked: false,
  paid: {},
  decided: null,
});

/** The events every downstream payer records about its own decisions: parked, paid (`…Settled`, `…Adjusted`), decided. */
export type Event<Summary> =
  | { type: 'Parked'; data: { reason: 'NO_POLICY' } }
  | { type: `${string}Settled` | `${string}Adjusted`; data: Payment }
  | { type: 'PersonYearDecided'; data: PersonYearDecision<Summary> };

/** The same events as one payer names them: `Parked` with its own detail, `<Payer>Settled`, `<Payer>Adjusted`, `PersonYearDecided`. */
export type Events<Payer extends string, Decision, ParkedDetail extends object> =
  | { type: 'Parked'; data: { reason: 'NO_POLICY' } & ParkedDetail }
  | { type: `${Payer}Settled`; data: Payment }
  | { type: `${Payer}Adjusted`; data: Payment }
  | { type: 'PersonYearDecided'; data: Decision };

/** evolve for those events (a decision also ends parking; its delta is merged in the payer's claim order). */
export function evolve<St extends State<{ claims: DecidedClaim[] }>>(
  state: St,
  event: Event<NonNullable<St['decided']>>,
  order: ClaimOrder<NonNullable<St['decided']>['claims'][number]>,
): St {
  switch (event.type) {
    case 'Parked':
      return { ...state, parked: true };
    case 'PersonYearDecided':
      return {
        ...state,
        revision: event.data.revision,
        policyRevision: event.data.policyRevision,
        parked: false,
        decided: decidedSummary(state.decided, event.data, order),
      };
    default:
      return { ...state, paid: applyPayments(state.paid, [event.data]) };
  }
}

/** Without a policy a person-year parks, once: later inputs are recorded and it waits on. */
export function parkUntilPolicy<E extends { type: string }, Detail extends object>(
  state: { parked: boolean },
  inputs: E[],
  detail: Detail,
): E[] {
  return state.parked ? inputs : [...inputs, { type: 'Parked', data: { reason: 'NO_POLICY', ...detail } } as unknown as E];
}
