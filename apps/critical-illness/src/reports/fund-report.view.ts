import { Inject, Injectable } from '@nestjs/common';
import { money, print } from '@msb/money';
import { RUNTIME, ServiceRuntime } from '@msb/platform';

/**
 * The 大病 fund's account for a region-year (单独核算, seed 001/003), from the payment record:
 * what the insurer paid, to how many people and claims, and how much of it came from later adjustments.
 */
@Injectable()
export class FundReportView {
  constructor(@Inject(RUNTIME) private readonly runtime: ServiceRuntime) {}

  async report(region: string, year: number) {
    const [totals] = await this.runtime.db.query<Record<string, string>>(
      `WITH per_claim AS (SELECT person_id, claim_id, sum(amount) AS net FROM payments WHERE region = $1 AND year = $2 GROUP BY person_id, claim_id)
       SELECT coalesce(sum(net), 0)::text AS paid,
              count(*) FILTER (WHERE net > 0)::text AS claims_paid,
              count(DISTINCT person_id) FILTER (WHERE net > 0)::text AS people
       FROM per_claim`,
      [region, year],
    );
    const rows = await this.runtime.db.query<{ kind: string; reason: string; n: string; top_ups: string; claw_backs: string }>(
      `SELECT kind, reason, count(*)::text AS n,
              coalesce(sum(amount) FILTER (WHERE amount > 0), 0)::text AS top_ups,
              coalesce(sum(amount) FILTER (WHERE amount < 0), 0)::text AS claw_backs
       FROM payments WHERE region = $1 AND year = $2 GROUP BY kind, reason ORDER BY kind, reason`,
      [region, year],
    );
    const settlements = rows.filter((r) => r.kind === 'SETTLED');
    const adjustments = rows.filter((r) => r.kind === 'ADJUSTED');
    const total = (list: typeof rows, f: 'top_ups' | 'claw_backs') => print(list.reduce((acc, r) => acc.plus(money(r[f])), money('0')));
    return {
      region,
      year,
      paid: print(money(totals.paid)),
      people: Number(totals.people),
      claimsPaid: Number(totals.claims_paid),
      settlements: { count: settlements.reduce((n, r) => n + Number(r.n), 0), amount: total(settlements, 'top_ups') },
      adjustments: {
        count: adjustments.reduce((n, r) => n + Number(r.n), 0),
        topUps: total(adjustments, 'top_ups'),
        clawBacks: total(adjustments, 'claw_backs'),
        byReason: Object.fromEntries(
          adjustments.map((r) => [
            r.reason,
            { count: Number(r.n), topUps: print(money(r.top_ups)), clawBacks: print(money(r.claw_backs)) },
          ]),
        ),
      },
    };
  }
}
