import type { ClaimDto, WhatIfCategoryDto, WhatIfChangeDto, WhatIfFiguresDto } from '@msb/contracts';
import { Decimal, money, print, ZERO } from '@msb/money';
import {
  BasicCatalogue,
  Category,
  CATEGORIES,
  Claim,
  EligibilitySpan,
  HospitalRecord,
  assistanceStage,
  basicStage,
  criticalIllnessStage,
  PoliciesInForce,
  resolveClaim,
  SettledPersonYear,
} from '@msb/settlement';

/**
 * 精准测算 (seed 004 §6): a region-year's person-years settled twice with the same facts, once
 * with the policies in force (`current`) and once with the drafts in their place (`draft`), and
 * the two folded into region-year figures, one person-year at a time. Pure: the log is read
 * elsewhere (region-year-facts.view.ts); memory holds the sums and the ten largest changes only.
 */

export const FIGURES = ['basic', 'criticalIllness', 'assistance', 'selfPay'] as const;
export type Figure = (typeof FIGURES)[number];
export type Figures = Record<Figure, Decimal>;

/** The figures a payer pays (selfPay is the patient's). */
export const PAYER_FIGURES = ['basic', 'criticalIllness', 'assistance'] as const satisfies readonly Figure[];

export const zeroFigures = (): Figures => ({ basic: ZERO, criticalIllness: ZERO, assistance: ZERO, selfPay: ZERO });

/** One person-year as the log knows it now: its live claims (latest versions, reversals left out) and the person's windows. */
export interface RecordedPersonYear {
  personId: string;
  claims: readonly { claim: ClaimDto; version: number }[];
  windows: readonly EligibilitySpan[];
}

/** A person-year whose claim names a hospital the registry does not hold: it cannot be settled again. */
export class UnknownHospital extends Error {
  constructor(readonly hospitalId: string) {
    super(`hospital ${hospitalId} is not in the registry`);
    this.name = 'UnknownHospital';
  }
}

/** The claims of a person-year as the rules read them: classified by the catalogue and the hospital registry in force. */
export function resolvePersonYear(
  recorded: RecordedPersonYear,
  catalogue: BasicCatalogue,
  hospitals: ReadonlyMap<string, HospitalRecord>,
): Claim[] {
  return recorded.claims.map(({ claim, version }) => {
    const hospital = hospitals.get(claim.hospital.id);
    if (!hospital) throw new UnknownHospital(claim.hospital.id);
    return resolveClaim(claim, version, catalogue, hospital);
  });
}

export class PersonYearNotConserved extends Error {
  constructor(personId: string, detail: string) {
    super(`person-year of ${personId} does not conserve: ${detail}`);
    this.name = 'PersonYearNotConserved';
  }
}

/** Conservation of a person-year: total = basic + 大病 + assistance + selfPay, no term negative. Throws otherwise. */
export function assertPersonYearConserved(personId: string, total: Decimal, f: Figures): void {
  const negative = FIGURES.filter((k) => f[k].isNegative());
  const parts = f.basic.plus(f.criticalIllness).plus(f.assistance).plus(f.selfPay);
  if (negative.length > 0) throw new PersonYearNotConserved(personId, `${negative.join(', ')} negative`);
  if (!parts.eq(total)) throw new PersonYearNotConserved(personId, `the parts add up to ${parts.toFixed(2)}, not ${total.toFixed(2)}`);
}

/** A person-year settled under one set of policies: its figures and the year's assistance category (none: null). */
export interface PersonYearOutcome {
  figures: Figures;
  category: Category | null;
}

/** A person-year's figures from its settlement, conservation asserted. */
function outcomeOf(personId: string, settled: SettledPersonYear): PersonYearOutcome {
  const figures: Figures = {
    basic: settled.basic,
    criticalIllness: settled.criticalIllness,
    assistance: settled.assistance,
    selfPay: settled.selfPay,
  };
  assertPersonYearConserved(personId, settled.total, figures);
  return { figures, category: settled.assistanceCategory };
}

const minus = (a: Figures, b: Figures): Figures => ({
  basic: a.basic.minus(b.basic),
  criticalIllness: a.criticalIllness.minus(b.criticalIllness),
  assistance: a.assistance.minus(b.assistance),
  selfPay: a.selfPay.minus(b.selfPay),
});
const plus = (a: Figures, b: Figures): Figures => ({
  basic: a.basic.plus(b.basic),
  criticalIllness: a.criticalIllness.plus(b.criticalIllness),
  assistance: a.assistance.plus(b.assistance),
  selfPay: a.selfPay.plus(b.selfPay),
});

export const printFigures = (f: Figures): WhatIfFiguresDto => ({
  basic: print(f.basic),
  criticalIllness: print(f.criticalIllness),
  assistance: print(f.assistance),
  selfPay: print(f.selfPay),
});

/** Only the figures in `shown`, printed. */
const printShown = (f: Figures, shown: readonly Figure[]): Partial<WhatIfFiguresDto> =>
  Object.fromEntries(shown.map((k) => [k, print(f[k])])) as Partial<WhatIfFiguresDto>;

interface Change {
  personId: string;
  current: Figures;
  draft: Figures;
  delta: Figures;
  /** |Σ of the shown payers' deltas|: what the change costs or saves the payers shown. */
  size: Decimal;
}

/** Larger change first; equal ones by person id, so that the list is the same however the person-years arrive. */
export function byLargestChange(a: { size: Decimal; personId: string }, b: { size: Decimal; personId: string }): number {
  return b.size.cmp(a.size) || (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0);
}

/** A tally in plain values: sums and figures as two-decimal strings. */
export interface TallySnapshot {
  personYears: number;
  changed: number;
  current: WhatIfFiguresDto;
  draft: WhatIfFiguresDto;
  categories: { category: Category; current: string; draft: string; currentCount: number; draftCount: number }[];
  largest: { personId: string; current: WhatIfFiguresDto; draft: WhatIfFiguresDto }[];
}

const parseFigures = (f: WhatIfFiguresDto): Figures => ({
  basic: money(f.basic),
  criticalIllness: money(f.criticalIllness),
  assistance: money(f.assistance),
  selfPay: money(f.selfPay),
});

export interface WhatIfFigures {
  personYears: number;
  current: WhatIfFiguresDto;
  draft: WhatIfFiguresDto;
  delta: WhatIfFiguresDto;
  byCategory: WhatIfCategoryDto[];
  changedPersons: number;
  largestChanges: WhatIfChangeDto[];
}

/**
 * The region-year's sums, folded one person-year at a time. `shown` are the figures the caller's
 * agency receives per person (DATA-FLOWS.md): a change counts among the largest by the payers
 * among them, and lists only them; the sums, the categories and the count of changed
 * person-years are over every figure.
 */
export class WhatIfTally {
  private personYears = 0;
  private changed = 0;
  private current = zeroFigures();
  private draft = zeroFigures();
  /** Assistance by the category each person-year's year has under each set of policies. */
  private readonly categories = new Map<Category, { current: Decimal; draft: Decimal; currentCount: number; draftCount: number }>();
  /** The largest changes so far, largest first, at most `top`. */
  private readonly largest: Change[] = [];
  private readonly ranked: readonly Figure[];

  constructor(
    private readonly shown: readonly Figure[] = FIGURES,
    private readonly top = 10,
  ) {
    this.ranked = PAYER_FIGURES.filter((p) => shown.includes(p));
  }

  add(personId: string, current: PersonYearOutcome, draft: PersonYearOutcome): void {
    this.personYears += 1;
    this.current = plus(this.current, current.figures);
    this.draft = plus(this.draft, draft.figures);
    this.category(current.category, 'current', current.figures.assistance);
    this.category(draft.category, 'draft', draft.figures.assistance);
    const delta = minus(draft.figures, current.figures);
    if (FIGURES.some((k) => !delta[k].isZero())) this.changed += 1;
    this.consider(personId, current.figures, draft.figures, delta);
  }

  /** What this tally holds, in plain strings and numbers (for another thread's tally to absorb). */
  snapshot(): TallySnapshot {
    return {
      personYears: this.personYears,
      changed: this.changed,
      current: printFigures(this.current),
      draft: printFigures(this.draft),
      categories: [...this.categories].map(([category, r]) => ({
        category,
        current: print(r.current),
        draft: print(r.draft),
        currentCount: r.currentCount,
        draftCount: r.draftCount,
      })),
      largest: this.largest.map((c) => ({ personId: c.personId, current: printFigures(c.current), draft: printFigures(c.draft) })),
    };
  }

  /** Add what another tally over other person-years of the same region-year holds: as if they had been folded here. */
  absorb(other: TallySnapshot): void {
    this.personYears += other.personYears;
    this.changed += other.changed;
    this.current = plus(this.current, parseFigures(other.current));
    this.draft = plus(this.draft, parseFigures(other.draft));
    for (const r of other.categories) {
      const row = this.categories.get(r.category) ?? { current: ZERO, draft: ZERO, currentCount: 0, draftCount: 0 };
      this.categories.set(r.category, {
        current: row.current.plus(r.current),
        draft: row.draft.plus(r.draft),
        currentCount: row.currentCount + r.currentCount,
        draftCount: row.draftCount + r.draftCount,
      });
    }
    for (const c of other.largest) {
      const [current, draft] = [parseFigures(c.current), parseFigures(c.draft)];
      this.consider(c.personId, current, draft, minus(draft, current));
    }
  }

  private category(category: Category | null, side: 'current' | 'draft', assistance: Decimal): void {
    // a person-year without a category (no grant that makes a claim eligible) gets no assistance: it counts under none
    if (category === null) return;
    const row = this.categories.get(category) ?? { current: ZERO, draft: ZERO, currentCount: 0, draftCount: 0 };
    if (side === 'current') {
      row.current = row.current.plus(assistance);
      row.currentCount += 1;
    } else {
      row.draft = row.draft.plus(assistance);
      row.draftCount += 1;
    }
    this.categories.set(category, row);
  }

  private consider(personId: string, current: Figures, draft: Figures, delta: Figures): void {
    // a change the caller may not see is not listed: its place in the list would tell of it
    if (this.shown.every((k) => delta[k].isZero())) return;
    let size = ZERO;
    for (const p of this.ranked) size = size.plus(delta[p]);
    const change: Change = { personId, current, draft, delta, size: size.abs() };
    if (this.top <= 0) return;
    if (this.largest.length === this.top && byLargestChange(change, this.largest[this.top - 1]) >= 0) return;
    let at = this.largest.length;
    while (at > 0 && byLargestChange(change, this.largest[at - 1]) < 0) at -= 1;
    this.largest.splice(at, 0, change);
    if (this.largest.length > this.top) this.largest.pop();
  }

  result(): WhatIfFigures {
    return {
      personYears: this.personYears,
      current: printFigures(this.current),
      draft: printFigures(this.draft),
      delta: printFigures(minus(this.draft, this.current)),
      byCategory: CATEGORIES.filter((c) => this.categories.has(c)).map((category) => {
        const row = this.categories.get(category)!;
        return {
          category,
          personYears: { current: row.currentCount, draft: row.draftCount },
          current: print(row.current),
          draft: print(row.draft),
          delta: print(row.draft.minus(row.current)),
        };
      }),
      changedPersons: this.changed,
      largestChanges: this.largest.map((c) => ({
        personId: c.personId,
        current: printShown(c.current, this.shown),
        draft: printShown(c.draft, this.shown),
        delta: printShown(c.delta, this.shown),
      })),
    };
  }
}

/** The two settlements of one person-year: the policies in force and the drafts, on the same claims and windows. */
export interface WhatIfPolicies {
  current: PoliciesInForce;
  draft: PoliciesInForce;
}

/**
 * One person-year under both sets of policies, with libs/settlement's reference (settlePersonYear,
 * as the payers decide) in its three stages: the draft is settled again only from the first stage
 * whose policy it replaces (an assistance draft reuses both insurances' years).
 */
export function settleBoth(
  policies: WhatIfPolicies,
  personId: string,
  claims: readonly Claim[],
  windows: readonly EligibilitySpan[],
): { current: PersonYearOutcome; draft: PersonYearOutcome } {
  const { current: c, draft: d } = policies;
  const basic = basicStage(c, claims);
  const draftBasic = d.basic === c.basic && d.criticalIllnessCatalogue === c.criticalIllnessCatalogue ? basic : basicStage(d, claims);
  const insurances = criticalIllnessStage(basic, c.criticalIllness, windows);
  const draftInsurances =
    draftBasic === basic && d.criticalIllness === c.criticalIllness
      ? insurances
      : criticalIllnessStage(draftBasic, d.criticalIllness, windows);
  const current = outcomeOf(personId, assistanceStage(insurances, c.assistance, windows));
  const draft =
    draftInsurances === insurances && d.assistance === c.assistance
      ? current
      : outcomeOf(personId, assistanceStage(draftInsurances, d.assistance, windows));
  return { current, draft };
}

/** Fold one recorded person-year into the tally: resolved once, settled under both sets of policies. */
export function addPersonYear(
  tally: WhatIfTally,
  policies: WhatIfPolicies,
  terms: { catalogue: BasicCatalogue; hospitals: ReadonlyMap<string, HospitalRecord> },
  recorded: RecordedPersonYear,
): void {
  // a person-year whose every claim was reversed pays nothing under any policy: it is not counted
  if (recorded.claims.length === 0) return;
  const claims = resolvePersonYear(recorded, terms.catalogue, terms.hospitals);
  const { current, draft } = settleBoth(policies, recorded.personId, claims, recorded.windows);
  tally.add(recorded.personId, current, draft);
}
