import {
  applyDecision,
  ASSISTANCE_DECISION,
  AssistancePersonYearDecided,
  BASIC_DECISION,
  BasicPersonYearDecided,
  ClaimOrder,
  CRITICAL_ILLNESS_DECISION,
  CriticalIllnessPersonYearDecided,
  DecidedClaim,
} from '@msb/contracts';
import type { Payer, RecordedDecision } from './log.index';

/**
 * The whole of a payer's person-year decision at any recorded revision, folded from the
 * decisions the log holds (each with only the claims it changed) with the one fold of
 * libs/contracts, in revision order. Only the latest view is kept: asking for a revision
 * ahead folds on; asking for an earlier one folds again from the start (rare: the log is in
 * revision order unless a payer published out of order). So memory grows with the live
 * person-years, not with the year's history.
 */

export type Decision = BasicPersonYearDecided | CriticalIllnessPersonYearDecided | AssistancePersonYearDecided;

export interface DecisionOf {
  basic: BasicPersonYearDecided;
  criticalIllness: CriticalIllnessPersonYearDecided;
  assistance: AssistancePersonYearDecided;
}

/** Each payer's claim order (assistance's claims carry no date: folded by claim id, an order no check depends on). */
export const CLAIM_ORDER: Record<Payer, ClaimOrder<DecidedClaim>> = {
  basic: BASIC_DECISION.order as ClaimOrder<DecidedClaim>,
  criticalIllness: CRITICAL_ILLNESS_DECISION.order as ClaimOrder<DecidedClaim>,
  assistance: ASSISTANCE_DECISION.order as ClaimOrder<DecidedClaim>,
};

export class DecisionViews<D extends Decision> {
  /** One recorded decision per revision (the first logged), in revision order. */
  private readonly sorted: RecordedDecision<D>[];
  private position = -1;
  private full: D | null = null;

  constructor(
    decisions: readonly RecordedDecision<D>[],
    private readonly order: ClaimOrder<DecidedClaim>,
  ) {
    const byRevision = new Map<number, RecordedDecision<D>>();
    for (const d of decisions) if (!byRevision.has(d.data.revision)) byRevision.set(d.data.revision, d);
    this.sorted = [...byRevision.values()].sort((a, b) => a.data.revision - b.data.revision);
  }

  /** The revision recorded just before `revision` (0: none), which a decision must name as the one it follows. */
  before(revision: number): number {
    let previous = 0;
    for (const d of this.sorted) {
      if (d.data.revision >= revision) break;
      previous = d.data.revision;
    }
    return previous;
  }

  /** The whole decision at a recorded revision (undefined: the log does not hold it). */
  at(revision: number): D | undefined {
    if (this.position >= 0 && this.sorted[this.position].data.revision > revision) {
      this.position = -1;
      this.full = null;
    }
    while (this.position + 1 < this.sorted.length && this.sorted[this.position + 1].data.revision <= revision) {
      this.position += 1;
      this.full = applyDecision(this.full, this.sorted[this.position].data as D & { claims: DecidedClaim[] }, this.order) as D;
    }
    return this.position >= 0 && this.sorted[this.position].data.revision === revision ? this.full! : undefined;
  }

  /** The latest recorded decision, whole, with where it is in the log. */
  last(): RecordedDecision<D> | undefined {
    const latest = this.sorted[this.sorted.length - 1];
    return latest && { ...latest, data: this.at(latest.data.revision)! };
  }
}

/** Views of one payer's decisions per person-year, made when first asked for. */
export class PersonYearViews<P extends Payer> {
  private readonly views = new Map<string, DecisionViews<DecisionOf[P]>>();

  constructor(
    private readonly payer: P,
    private readonly decisions: (personYear: string) => readonly RecordedDecision<DecisionOf[P]>[],
  ) {}

  of(personYear: string): DecisionViews<DecisionOf[P]> {
    let views = this.views.get(personYear);
    if (!views) this.views.set(personYear, (views = new DecisionViews(this.decisions(personYear), CLAIM_ORDER[this.payer])));
    return views;
  }
}
