import { Inject, Injectable } from '@nestjs/common';
import type { Category } from '@msb/contracts';
import { RUNTIME, ServiceRuntime } from '@msb/platform';
import { AssistancePolicies } from '../policies/assistance-policy.store';
import { annualCaps, assistanceReport, CategoryFigures } from './assistance-report.rules';

/**
 * Assistance by category (分类救助) for a region-year. Each person-year counts under the category
 * its latest decision gave the year (the highest in priority among its eligible claims); its money
 * is its payment record (settlements + adjustments, 补付 and 追回), a case is a claim whose net
 * assistance is above zero, and a person is at the cap when the year's net assistance reached the
 * category's annual cap of the latest policy revision. Person-years no eligible claim made a
 * category of (never eligible, or every grant revoked) are no category's, and once decided have
 * been paid nothing.
 */
@Injectable()
export class AssistanceReportView {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly policies: AssistancePolicies,
  ) {}

  async report(region: string, year: number) {
    const policy = await this.policies.latest(this.runtime.db, region, year);
    const caps = annualCaps(policy?.dto);
    const rows = await this.runtime.db.query<{
      category: Category;
      people: string;
      cases: string;
      paid: string;
      people_at_cap: string;
    }>(
      `WITH years AS (
         SELECT person_id, state->'decided'->>'category' AS category FROM person_years WHERE region = $1 AND year = $2
       ), claims AS (
         SELECT person_id, claim_id, sum(amount) AS net FROM payments WHERE region = $1 AND year = $2 GROUP BY person_id, claim_id
       ), people AS (
         SELECT y.person_id, y.category, coalesce(sum(c.net), 0) AS paid, count(c.claim_id) FILTER (WHERE c.net > 0) AS cases
         FROM years y LEFT JOIN claims c USING (person_id) WHERE y.category IS NOT NULL GROUP BY y.person_id, y.category
       )
       SELECT p.category, count(*)::text AS people, sum(p.cases)::text AS cases, sum(p.paid)::text AS paid,
              -- 封顶: the year's assistance reached the category's annual cap
              count(*) FILTER (WHERE cap.amount IS NOT NULL AND p.paid >= cap.amount)::text AS people_at_cap
       FROM people p LEFT JOIN unnest($3::text[], $4::numeric[]) AS cap(category, amount) USING (category)
       GROUP BY p.category`,
      [region, year, caps.map((c) => c.category), caps.map((c) => c.cap)],
    );
    const figures: CategoryFigures[] = rows.map((r) => ({
      category: r.category,
      people: Number(r.people),
      cases: Number(r.cases),
      paid: r.paid,
      peopleAtCap: Number(r.people_at_cap),
    }));
    return { region, year, policyRevision: policy?.revision ?? null, ...assistanceReport(policy?.dto, figures) };
  }
}
