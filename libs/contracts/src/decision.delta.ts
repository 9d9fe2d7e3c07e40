import { money, print, sum } from '@msb/money';
import { sameJson } from './canonical.json';
import {
  AssistanceDecidedClaim,
  AssistanceDecisionTotals,
  assistancePersonYearDecidedV1,
  BasicDecidedClaim,
  BasicDecisionTotals,
  basicPersonYearDecidedV1,
  CriticalIllnessDecidedClaim,
  CriticalIllnessDecisionTotals,
  criticalIllnessPersonYearDecidedV1,
} from './events.schema';

/**
 * The one fold of person-year decisions (v2). A payer publishes, for each revision, only the
 * claims whose figures changed since its previous decision of the person-year; a reader that
 * needs the whole year merges them, by claim id, in revision order. Claims are never removed
 * (a reversed claim stays, REVERSED, at zero), so folding the deltas of a sequence of full
 * decisions gives back the last full decision, and `totals` always equal the sums over the
 * folded claims.
 */

export interface DecidedClaim {
  claimId: string;
}

/** The order a payer lists its claims in: a total order (ties broken by claim id). */
export type ClaimOrder<C> = (a: C, b: C) => number;

/** Claims of a person-year are ordered by (serviceDate, claimId): basic's order, and 大病's, which follows basic's. */
export function byServiceDateThenId<T extends { serviceDate: string; claimId: string }>(a: T, b: T): number {
  if (a.serviceDate !== b.serviceDate) return a.serviceDate < b.serviceDate ? -1 : 1;
  if (a.claimId === b.claimId) return 0;
  return a.claimId < b.claimId ? -1 : 1;
}

/** By claim id alone: for readers to whom the order means nothing (assistance's claims carry no date). */
export function byClaimId<T extends DecidedClaim>(a: T, b: T): number {
  return a.claimId === b.claimId ? 0 : a.claimId < b.claimId ? -1 : 1;
}

/** The order of an upstream list (assistance lists its claims in the order of the 大病 decision it decided on). */
export function inTheOrderOf(claims: readonly DecidedClaim[]): ClaimOrder<DecidedClaim> {
  const rank = new Map(claims.map((c, i) => [c.claimId, i]));
  return (a, b) => (rank.get(a.claimId) ?? Infinity) - (rank.get(b.claimId) ?? Infinity) || byClaimId(a, b);
}

/**
 * The claims of `next` whose figures (any field) differ from the same claim in `previous`; all
 * of them when there is no previous decision. A claim of `previous` missing from `next` breaks
 * the rule that claims are never removed: refused.
 */
export function diffDecision<C extends DecidedClaim>(previous: { claims: readonly C[] } | null, next: { claims: readonly C[] }): C[] {
  if (previous === null) return [...next.claims];
  const present = new Set(next.claims.map((c) => c.claimId));
  const before = new Map<string, C>();
  for (const c of previous.claims) {
    if (!present.has(c.claimId)) throw new RangeError(`claim ${c.claimId} is missing from the next decision: claims are never removed`);
    before.set(c.claimId, c);
  }
  return next.claims.filter((c) => !before.has(c.claimId) || !sameJson(before.get(c.claimId), c));
}

/** A full list of claims with a delta merged in: by claim id, the delta's figures winning, in the payer's order. */
export function mergeClaims<C extends DecidedClaim>(full: readonly C[], delta: readonly C[], order: ClaimOrder<C>): C[] {
  const byId = new Map(full.map((c) => [c.claimId, c]));
  for (const c of delta) byId.set(c.claimId, c);
  return [...byId.values()].sort(order);
}

/** A full decision (or none yet) with the next decision's delta applied: the next decision, whole. */
export function applyDecision<D extends { claims: DecidedClaim[] }>(full: D | null, delta: D, order: ClaimOrder<D['claims'][number]>): D {
  return { ...delta, claims: mergeClaims<D['claims'][number]>(full?.claims ?? [], delta.claims, order) };
}

/** Where a decision stands against the revision a reader holds of that payer's person-year. */
export type Standing = 'NEXT' | 'SEEN' | 'GAP';

export interface Revisioned {
  revision: number;
  previousRevision: number;
}

/**
 * NEXT: it follows the revision held and applies now. SEEN: a repeated or older revision, ignored.
 * GAP: a revision in between is missing (dead-lettered, or overtaken): hold it.
 */
export function standingOf(holding: number, d: Revisioned): Standing {
  if (d.revision <= holding) return 'SEEN';
  return d.previousRevision === holding ? 'NEXT' : 'GAP';
}

/**
 * The held decisions that apply now, in revision order, each following the one before it
 * from `holding` on; `held` keeps the rest (revisions already passed are dropped).
 */
export function releasable<D extends Revisioned>(holding: number, held: readonly D[]): { apply: D[]; held: D[] } {
  const apply: D[] = [];
  let pool = [...held].sort((a, b) => a.revision - b.revision);
  let current = holding;
  for (;;) {
    pool = pool.filter((d) => d.revision > current);
    const next = pool.find((d) => d.previousRevision === current);
    if (next === undefined) return { apply, held: pool };
    apply.push(next);
    current = next.revision;
  }
}

const total = <C>(claims: readonly C[], field: (c: C) => string) => print(sum(claims.map((c) => money(field(c)))));

export function basicTotals(claims: readonly BasicDecidedClaim[]): BasicDecisionTotals {
  return {
    claimCount: claims.length,
    total: total(claims, (c) => c.total),
    policyScope: total(claims, (c) => c.policyScope),
    ciExtra: total(claims, (c) => c.ciExtra),
    basic: total(claims, (c) => c.basic),
    compliantSelfPay: total(claims, (c) => c.compliantSelfPay),
  };
}

export function criticalIllnessTotals(claims: readonly CriticalIllnessDecidedClaim[]): CriticalIllnessDecisionTotals {
  return {
    claimCount: claims.length,
    compliantSelfPay: total(claims, (c) => c.compliantSelfPay),
    criticalIllness: total(claims, (c) => c.criticalIllness),
  };
}

export function assistanceTotals(claims: readonly AssistanceDecidedClaim[]): AssistanceDecisionTotals {
  return { claimCount: claims.length, assistance: total(claims, (c) => c.assistance) };
}

/** What the fold needs of one payer's decisions: the order of its claims and its totals. */
export interface DecisionShape<C extends DecidedClaim, T> {
  order: ClaimOrder<C>;
  totals: (claims: readonly C[]) => T;
}

export const BASIC_DECISION: DecisionShape<BasicDecidedClaim, BasicDecisionTotals> = { order: byServiceDateThenId, totals: basicTotals };
export const CRITICAL_ILLNESS_DECISION: DecisionShape<CriticalIllnessDecidedClaim, CriticalIllnessDecisionTotals> = {
  order: byServiceDateThenId,
  totals: criticalIllnessTotals,
};
/** Assistance's own decider orders as its 大病 input (`inTheOrderOf`); other readers fold by claim id. */
export const ASSISTANCE_DECISION: DecisionShape<AssistanceDecidedClaim, AssistanceDecisionTotals> = {
  order: byClaimId,
  totals: assistanceTotals,
};

/** Whether a full decision's totals are the sums over its claims. */
export function totalsHold<C extends DecidedClaim, T>(shape: DecisionShape<C, T>, full: { claims: readonly C[]; totals: T }): boolean {
  return sameJson(shape.totals(full.claims), full.totals);
}

/** v1 → v2 of a person-year decision: all its claims are the delta, it follows revision − 1, totals computed from its claims. */
function decisionV1toV2<C extends DecidedClaim>(
  v1: { safeParse: (data: unknown) => { success: boolean; data?: { revision: number; claims: C[] } } },
  totals: (claims: readonly C[]) => unknown,
) {
  return (data: unknown): unknown => {
    const parsed = v1.safeParse(data);
    if (!parsed.success || parsed.data === undefined) return data; // left for the v2 schema to refuse
    return { ...parsed.data, previousRevision: parsed.data.revision - 1, totals: totals(parsed.data.claims) };
  };
}

export const basicDecisionV1toV2 = decisionV1toV2(basicPersonYearDecidedV1, basicTotals);
export const criticalIllnessDecisionV1toV2 = decisionV1toV2(criticalIllnessPersonYearDecidedV1, criticalIllnessTotals);
export const assistanceDecisionV1toV2 = decisionV1toV2(assistancePersonYearDecidedV1, assistanceTotals);
