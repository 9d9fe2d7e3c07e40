import type { AssistancePolicyDto, Category } from '@msb/contracts';
import { money, print, sum } from '@msb/money';

/** One category's figures as the payment record sums them (amounts as exact decimal text). */
export interface CategoryFigures {
  category: Category;
  people: number;
  cases: number;
  paid: string;
  peopleAtCap: number;
}

/** A row of the report: a category (救助类别), its annual cap (年度最高救助限额) when the policy sets one, and its figures. */
export interface CategoryRow extends CategoryFigures {
  annualCap: string | null;
}

export interface AssistanceReportBody {
  categories: CategoryRow[];
  totals: { people: number; cases: number; paid: string; peopleAtCap: number };
}

/** The annual cap of each category of the policy that sets one: a person is at the cap when the year's assistance reached it. */
export function annualCaps(policy: AssistancePolicyDto | undefined): { category: Category; cap: string }[] {
  if (!policy) return [];
  return Object.entries(policy.categories).flatMap(([category, terms]) =>
    terms?.annualCap !== undefined ? [{ category: category as Category, cap: print(money(terms.annualCap)) }] : [],
  );
}

/**
 * The report's rows: every category the policy defines, in its priority order (zeros where no one
 * is), then any other category the year's decisions still name (a category the latest revision
 * dropped, until its person-years are recalculated); totals are the sums of the rows.
 */
export function assistanceReport(policy: AssistancePolicyDto | undefined, figures: readonly CategoryFigures[]): AssistanceReportBody {
  const byCategory = new Map(figures.map((f) => [f.category, f]));
  const defined = policy ? policy.priority.filter((c) => policy.categories[c] !== undefined) : [];
  const others = figures
    .map((f) => f.category)
    .filter((c) => !defined.includes(c))
    .sort();
  const caps = new Map(annualCaps(policy).map((c) => [c.category, c.cap]));
  const categories = [...defined, ...others].map((category): CategoryRow => {
    const f = byCategory.get(category);
    return {
      category,
      annualCap: caps.get(category) ?? null,
      people: f?.people ?? 0,
      cases: f?.cases ?? 0,
      paid: print(money(f?.paid ?? '0')),
      peopleAtCap: f?.peopleAtCap ?? 0,
    };
  });
  const total = (field: 'people' | 'cases' | 'peopleAtCap') => categories.reduce((n, r) => n + r[field], 0);
  return {
    categories,
    totals: {
      people: total('people'),
      cases: total('cases'),
      paid: print(sum(categories.map((r) => money(r.paid)))),
      peopleAtCap: total('peopleAtCap'),
    },
  };
}
