import { identifier, signedAmount } from '@msb/contracts';
import { Decimal, money, print, sum } from '@msb/money';
import { z } from 'zod';

/** One claim's payments of a month as the payment record sums them (kinds and signs apart). */
export interface PaymentSums {
  claimId: string;
  /** Σ first settlements (kind SETTLED). */
  settled: string;
  /** Σ positive adjustments (补付). */
  topUps: string;
  /** Σ negative adjustments (追回), negative. */
  clawBacks: string;
}

export interface StatementLine extends PaymentSums {
  /** settled + topUps + clawBacks. */
  net: string;
}

/** What a payer owes a hospital for the payments it decided in a month (UTC): 对账单. */
export interface Statement {
  hospitalId: string;
  month: string;
  payer: string;
  claims: number;
  settled: string;
  topUps: string;
  clawBacks: string;
  net: string;
  lines: StatementLine[];
}

const TOTALS = ['net', 'settled', 'topUps', 'clawBacks'] as const;
type Total = (typeof TOTALS)[number];

/** A statement from the month's sums per claim: each line's net and the totals, exact (decimal.js). */
export function statementOf(payer: string, hospitalId: string, month: string, sums: readonly PaymentSums[]): Statement {
  const lines = [...sums]
    .sort((a, b) => (a.claimId < b.claimId ? -1 : a.claimId > b.claimId ? 1 : 0))
    .map((s): StatementLine => {
      const [settled, topUps, clawBacks] = [money(s.settled), money(s.topUps), money(s.clawBacks)];
      return {
        claimId: s.claimId,
        settled: print(settled),
        topUps: print(topUps),
        clawBacks: print(clawBacks),
        net: print(settled.plus(topUps).plus(clawBacks)),
      };
    });
  const total = (field: Total) => print(sum(lines.map((l) => money(l[field]))));
  return {
    hospitalId,
    month,
    payer,
    claims: lines.length,
    settled: total('settled'),
    topUps: total('topUps'),
    clawBacks: total('clawBacks'),
    net: total('net'),
    lines,
  };
}

const CSV_COLUMNS = ['claimId', 'settled', 'topUps', 'clawBacks', 'net'] as const;

/** The statement's lines as CSV (RFC 4180: a header row, CRLF; ids need no quoting, identifiers have no commas). */
export function statementCsv(statement: Statement): string {
  const rows = [CSV_COLUMNS.join(','), ...statement.lines.map((l) => CSV_COLUMNS.map((c) => l[c]).join(','))];
  return rows.map((r) => `${r}\r\n`).join('');
}

/** A statement month YYYY-MM. */
export const statementMonth = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM, e.g. "2026-03"')
  .refine((m) => Number(m.slice(0, 4)) >= 1900 && Number(m.slice(0, 4)) <= 2199, 'must be a year from 1900 to 2199');

/** The first instant of the month and of the next one (UTC): [from, to). */
export function monthRange(month: string): { from: Date; to: Date } {
  const year = Number(month.slice(0, 4));
  const index = Number(month.slice(5, 7)) - 1;
  return { from: new Date(Date.UTC(year, index, 1)), to: new Date(Date.UTC(year, index + 1, 1)) };
}

/** The hospital's own figures for a month (its books), to compare with the payer's statement. */
export const hospitalFiguresSchema = z
  .strictObject({
    net: signedAmount,
    settled: signedAmount.optional(),
    topUps: signedAmount.optional(),
    clawBacks: signedAmount.optional(),
    lines: z.array(z.strictObject({ claimId: identifier, net: signedAmount })).optional(),
  })
  .superRefine((figures, ctx) => {
    const seen = new Set<string>();
    (figures.lines ?? []).forEach((l, i) => {
      if (seen.has(l.claimId))
        ctx.addIssue({ code: 'custom', path: ['lines', i, 'claimId'], message: `claim ${l.claimId} is listed twice` });
      seen.add(l.claimId);
    });
  });
export type HospitalFigures = z.infer<typeof hospitalFiguresSchema>;

/** A difference between the two books: `null` where one side has no such claim. */
export interface Difference {
  ours: string | null;
  theirs: string | null;
}

export interface Reconciliation {
  matched: boolean;
  /** Each total the hospital gave that differs from ours. */
  totals: Partial<Record<Total, Difference>>;
  /** Each claim whose net differs, or that only one side has (only when the hospital gave lines). */
  lines: (Difference & { claimId: string })[];
}

const equal = (a: Decimal, b: Decimal) => a.equals(b);

/**
 * 对总账 / 对明细账: the hospital's figures against the statement. Totals it leaves out are not
 * compared; lines are compared only when it gives them, claim by claim (missing on either side
 * counts as a difference).
 */
export function reconcile(ours: Statement, theirs: HospitalFigures): Reconciliation {
  const totals: Reconciliation['totals'] = {};
  for (const field of TOTALS) {
    const given = theirs[field];
    if (given !== undefined && !equal(money(ours[field]), money(given))) totals[field] = { ours: ours[field], theirs: print(money(given)) };
  }
  const lines: Reconciliation['lines'] = [];
  if (theirs.lines !== undefined) {
    const theirNet = new Map(theirs.lines.map((l) => [l.claimId, money(l.net)]));
    for (const line of ours.lines) {
      const net = theirNet.get(line.claimId);
      if (net === undefined) lines.push({ claimId: line.claimId, ours: line.net, theirs: null });
      else if (!equal(money(line.net), net)) lines.push({ claimId: line.claimId, ours: line.net, theirs: print(net) });
    }
    const ourIds = new Set(ours.lines.map((l) => l.claimId));
    for (const l of theirs.lines) if (!ourIds.has(l.claimId)) lines.push({ claimId: l.claimId, ours: null, theirs: print(money(l.net)) });
  }
  return { matched: Object.keys(totals).length === 0 && lines.length === 0, totals, lines };
}
