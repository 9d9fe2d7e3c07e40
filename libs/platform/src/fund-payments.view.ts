import type { Tx } from '@msb/eventing';
import { money, print, sum } from '@msb/money';

/** What a payer paid in a region-year, from its payment record (`payments`): the shape both fund reports show. */
export interface FundPayments {
  /** Σ every payment: settlements and adjustments. */
  paid: string;
  /** People and claims with something paid. */
  people: number;
  claimCount: number;
  settlements: { count: number; amount: string };
  adjustments: {
    count: number;
    topUps: string;
    clawBacks: string;
    byReason: Record<string, { count: number; topUps: string; clawBacks: string }>;
  };
  /** The last payment row counted ("0": none): rows after it were recorded later. */
  through: string;
}

type Query = Pick<Tx, 'query'>;

/**
 * The payer's payments of a region-year, summed: what was paid, to how many people and claims,
 * first settlements and later adjustments (补付, 追回) by reason, and the last row counted. Read
 * in the caller's transaction where it must be one cut (a year-end settlement holds the region-year's lock).
 */
export async function fundPayments(db: Query, region: string, year: number): Promise<FundPayments> {
  const [totals] = await db.query<{ paid: string; claims: string; people: string; through: string }>(
    `WITH per_claim AS (SELECT person_id, claim_id, sum(amount) AS net, max(id) AS last FROM payments WHERE region = $1 AND year = $2 GROUP BY person_id, claim_id)
     SELECT coalesce(sum(net), 0)::text AS paid,
            count(*) FILTER (WHERE net > 0)::text AS claims,
            count(DISTINCT person_id) FILTER (WHERE net > 0)::text AS people,
            coalesce(max(last), 0)::text AS through
     FROM per_claim`,
    [region, year],
  );
  const rows = await db.query<{ kind: string; reason: string; n: string; top_ups: string; claw_backs: string }>(
    `SELECT kind, reason, count(*)::text AS n,
            coalesce(sum(amount) FILTER (WHERE amount > 0), 0)::text AS top_ups,
            coalesce(sum(amount) FILTER (WHERE amount < 0), 0)::text AS claw_backs
     FROM payments WHERE region = $1 AND year = $2 GROUP BY kind, reason ORDER BY kind, reason`,
    [region, year],
  );
  const settlements = rows.filter((r) => r.kind === 'SETTLED');
  const adjustments = rows.filter((r) => r.kind === 'ADJUSTED');
  const count = (list: typeof rows) => list.reduce((n, r) => n + Number(r.n), 0);
  const total = (list: typeof rows, f: 'top_ups' | 'claw_backs') => print(sum(list.map((r) => money(r[f]))));
  return {
    paid: print(money(totals.paid)),
    people: Number(totals.people),
    claimCount: Number(totals.claims),
    settlements: { count: count(settlements), amount: total(settlements, 'top_ups') },
    adjustments: {
      count: count(adjustments),
      topUps: total(adjustments, 'top_ups'),
      clawBacks: total(adjustments, 'claw_backs'),
      byReason: Object.fromEntries(
        adjustments.map((r) => [r.reason, { count: Number(r.n), topUps: print(money(r.top_ups)), clawBacks: print(money(r.claw_backs)) }]),
      ),
    },
    through: totals.through,
  };
}

/** The payments of a region-year recorded after row `through` (a close's cut): how many, and their sum. */
export async function paymentsAfter(db: Query, region: string, year: number, through: string): Promise<{ count: number; amount: string }> {
  const [row] = await db.query<{ n: string; amount: string }>(
    `SELECT count(*)::text AS n, coalesce(sum(amount), 0)::text AS amount FROM payments WHERE region = $1 AND year = $2 AND id > $3`,
    [region, year, through],
  );
  return { count: Number(row.n), amount: print(money(row.amount)) };
}
