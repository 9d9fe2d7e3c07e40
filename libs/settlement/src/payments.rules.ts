import { Payment, ReasonCode, sameJson } from '@msb/contracts';
import { Decimal, money, print } from '@msb/money';

/** What a payer has paid on one claim so far. */
export interface PaidSoFar {
  paid: string;
  /** Whether the first decision on the claim (SETTLED) has been made. */
  settled: boolean;
}

export interface Target {
  claimId: string;
  version: number;
  amount: Decimal;
}

/**
 * The difference between what each claim should now be paid and what was paid: the first
 * decision on a claim is SETTLED, every later change ADJUSTED (补付 if positive, 追回 if
 * negative). Nothing is edited in place; a claim whose amount did not change gets nothing.
 */
export function paymentsFor(
  targets: readonly Target[],
  paid: Readonly<Record<string, PaidSoFar>>,
  reasonFor: (claimId: string) => ReasonCode,
): Payment[] {
  const payments: Payment[] = [];
  for (const t of targets) {
    const before = paid[t.claimId];
    if (t.amount.isNegative()) throw new RangeError(`negative target ${t.amount.toFixed(2)} for claim ${t.claimId}`);
    if (before === undefined || !before.settled) {
      payments.push({
        claimId: t.claimId,
        version: t.version,
        kind: 'SETTLED',
        amount: print(t.amount),
        paid: print(t.amount),
        reason: 'INITIAL',
      });
      continue;
    }
    const delta = t.amount.minus(money(before.paid));
    if (!delta.isZero()) {
      payments.push({
        claimId: t.claimId,
        version: t.version,
        kind: 'ADJUSTED',
        amount: print(delta),
        paid: print(t.amount),
        reason: reasonFor(t.claimId),
      });
    }
  }
  return payments;
}

/** Fold payments into the paid-so-far map (used by every payer's evolve). */
export function applyPayments(paid: Record<string, PaidSoFar>, payments: readonly Payment[]): Record<string, PaidSoFar> {
  const next = { ...paid };
  for (const p of payments) next[p.claimId] = { paid: p.paid, settled: true };
  return next;
}

/**
 * The reason a downstream payer gives for an adjustment set off by an upstream decision:
 * facts about claims and eligibility keep their name all the way down; another agency's
 * policy revision or recalculation is UPSTREAM_ADJUSTED; a new claim that moved the year
 * is LATE_CLAIM.
 */
export function reasonFromUpstream(reason: ReasonCode): ReasonCode {
  switch (reason) {
    case 'LATE_CLAIM':
    case 'CORRECTION':
    case 'REVERSAL':
    case 'ELIGIBILITY_GRANTED':
    case 'ELIGIBILITY_REVOKED':
      return reason;
    case 'INITIAL':
      return 'LATE_CLAIM';
    case 'POLICY_REVISED':
    case 'UPSTREAM_ADJUSTED':
      return 'UPSTREAM_ADJUSTED';
    default: {
      const unknown: never = reason;
      throw new Error(`unknown reason ${String(unknown)}`);
    }
  }
}

/**
 * Whether a recomputation is news: a payment to make, or a decision that reads differently
 * from the last one (compared canonically: a snapshot reloaded from the database may order
 * its keys otherwise).
 */
export function decisionChanged(payments: readonly Payment[], decided: unknown, previous: unknown): boolean {
  return payments.length > 0 || !sameJson(decided, previous);
}

/** Payments as a payer's events: the first decision on a claim `settled`, every later change `adjusted`. */
export function paymentEvents<S extends string, A extends string>(
  payments: readonly Payment[],
  settled: S,
  adjusted: A,
): ({ type: S; data: Payment } | { type: A; data: Payment })[] {
  return payments.map((p) => (p.kind === 'SETTLED' ? { type: settled, data: p } : { type: adjusted, data: p }));
}
