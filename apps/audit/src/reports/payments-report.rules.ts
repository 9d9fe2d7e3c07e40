import { PAYERS, type Payment, type PersonYearRef } from '@msb/contracts';
import { Decimal, money, print, ZERO } from '@msb/money';
import { personYearId, type Payer } from '../analysis/log.index';

/** A payer's person-year decision as the log holds it: when it was decided and the payments it made. */
export interface LoggedDecision {
  payer: Payer;
  /** The decision event's time (ISO-8601 UTC). */
  time: string;
  seq: string;
  data: { personYear: PersonYearRef; revision: number; payments: readonly Payment[]; claims: readonly { claimId: string }[] };
}

/**
 * The decisions of one region-year, in log order, each payer's revision of a person-year once
 * (the first logged: a revision published twice is one decision).
 */
export function regionYearDecisions<D extends LoggedDecision>(decisions: readonly D[], region: string, year: number): D[] {
  const seen = new Set<string>();
  const out: D[] = [];
  for (const d of decisions) {
    const { personYear } = d.data;
    if (personYear.region !== region || personYear.year !== year) continue;
    const key = `${d.payer}#${personYearId(personYear)}#${d.data.revision}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

/** Payments summed: first settlements, 补付 (positive adjustments) and 追回 (negative), and what they net to. */
export interface PaymentTotals {
  payments: number;
  settled: string;
  topUps: string;
  clawBacks: string;
  /** topUps + clawBacks. */
  adjustments: string;
  /** settled + adjustments: what the payer paid. */
  net: string;
}

export interface MonthLine extends PaymentTotals {
  /** YYYY-MM (UTC) of the decisions that made the payments. */
  month: string;
  payer: Payer;
}

export interface ReasonTotals {
  count: number;
  topUps: string;
  clawBacks: string;
  net: string;
}

export interface PaymentsReport {
  region: string;
  year: number;
  totals: Record<Payer, PaymentTotals>;
  /** Each payer's adjustments (kind ADJUSTED) by reason code. */
  adjustmentsByReason: Record<Payer, Record<string, ReasonTotals>>;
  /** One line per payer and month with a payment, months in order, payers in paying order. */
  months: MonthLine[];
}

class Sums {
  payments = 0;
  settled: Decimal = ZERO;
  topUps: Decimal = ZERO;
  clawBacks: Decimal = ZERO;

  add(p: Payment): void {
    const amount = money(p.amount);
    this.payments += 1;
    if (p.kind === 'SETTLED') this.settled = this.settled.plus(amount);
    else if (amount.isPositive()) this.topUps = this.topUps.plus(amount);
    else this.clawBacks = this.clawBacks.plus(amount);
  }

  totals(): PaymentTotals {
    const adjustments = this.topUps.plus(this.clawBacks);
    return {
      payments: this.payments,
      settled: print(this.settled),
      topUps: print(this.topUps),
      clawBacks: print(this.clawBacks),
      adjustments: print(adjustments),
      net: print(this.settled.plus(adjustments)),
    };
  }
}

const byPayer = <T>(make: () => T): Record<Payer, T> => ({ basic: make(), criticalIllness: make(), assistance: make() });

/**
 * What each payer paid in a region-year, from the log of its decisions: per month (UTC, of the
 * decision that made the payment, as a payer's statement counts it), settled (首次结算) and
 * adjusted (补付, 追回) apart, and the adjustments by reason code. Exact (decimal.js); a year's
 * net per payer equals what the payer's decisions leave paid on the region-year's claims.
 */
export function paymentsReport(region: string, year: number, decisions: readonly LoggedDecision[]): PaymentsReport {
  const totals = byPayer(() => new Sums());
  const reasons = byPayer(() => new Map<string, Sums>());
  const months = new Map<string, Sums>();
  for (const d of regionYearDecisions(decisions, region, year)) {
    const month = d.time.slice(0, 7);
    for (const p of d.data.payments) {
      totals[d.payer].add(p);
      const key = `${month}|${PAYERS.indexOf(d.payer)}`;
      if (!months.has(key)) months.set(key, new Sums());
      months.get(key)!.add(p);
      if (p.kind !== 'ADJUSTED') continue;
      if (!reasons[d.payer].has(p.reason)) reasons[d.payer].set(p.reason, new Sums());
      reasons[d.payer].get(p.reason)!.add(p);
    }
  }
  const reasonTotals = (m: Map<string, Sums>): Record<string, ReasonTotals> =>
    Object.fromEntries(
      [...m.keys()].sort().map((reason) => {
        const t = m.get(reason)!.totals();
        return [reason, { count: t.payments, topUps: t.topUps, clawBacks: t.clawBacks, net: t.adjustments }];
      }),
    );
  return {
    region,
    year,
    totals: { basic: totals.basic.totals(), criticalIllness: totals.criticalIllness.totals(), assistance: totals.assistance.totals() },
    adjustmentsByReason: {
      basic: reasonTotals(reasons.basic),
      criticalIllness: reasonTotals(reasons.criticalIllness),
      assistance: reasonTotals(reasons.assistance),
    },
    months: [...months.keys()].sort().map((key) => {
      const [month, payer] = key.split('|');
      return { month, payer: PAYERS[Number(payer)], ...months.get(key)!.totals() };
    }),
  };
}
