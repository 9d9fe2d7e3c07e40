import type { AssistancePolicyDto, BasicPolicyDto, CriticalIllnessPolicyDto, FundContractDto } from '@msb/contracts';
import { fundContractFromWire, perCapitaFundingOf, premiumOf } from '@msb/settlement';
import { money, print, sum } from '@msb/money';
import { personYearId, policyKey, type LogIndex, type Payer } from '../analysis/log.index';
import { LoggedDecision, regionYearDecisions } from './payments-report.rules';

/** A policy section in force: the latest revision of the region-year, whole (its 起付线, rates, bands and caps). */
export type InForce<Dto> = (Dto & { revision: number }) | null;

export interface RegionYearSummary {
  region: string;
  year: number;
  /**
   * 筹资标准, from the 大病 contract in force (critical-illness.ContractRevised; null before one):
   * the prior year's per-capita basic funding it is based on, the funding rate, the per-capita 大病
   * funding (× rate, to the cent), the insured and the premium (insured × per-capita × rate).
   */
  funding: {
    contractRevision: number;
    insured: number;
    priorYearBasicPerCapita: string;
    fundingRate: string;
    criticalIllnessPerCapita: string;
    criticalIllnessPremium: string;
  } | null;
  /** 待遇水平: the three payers' policy sections in force, as revised last. */
  benefits: {
    basic: InForce<BasicPolicyDto>;
    criticalIllness: InForce<CriticalIllnessPolicyDto>;
    assistance: InForce<AssistancePolicyDto>;
  };
  /** What each payer paid on the region-year's claims (Σ of its payments, adjustments included). */
  paid: Record<Payer, string> & { total: string };
  /** The claims basic decided in the region-year (reversed ones included) and how many of them are reversed. */
  claims: number;
  reversedClaims: number;
  /** The person-years (person × year) with a claim. */
  personYears: number;
  /** 结算效率: claims decided by all three payers, and their mean time from submission to settlement, in milliseconds. */
  settlement: { claims: number; averageMs: number | null };
}

/** The latest revision of a region-year's section among those the log holds (keyed region|year|revision). */
export function inForce<Dto extends object>(revisions: ReadonlyMap<string, Dto>, region: string, year: number): InForce<Dto> {
  let latest = 0;
  for (const key of revisions.keys()) {
    const [r, y, revision] = key.split('|');
    if (r === region && Number(y) === year && Number(revision) > latest) latest = Number(revision);
  }
  return latest === 0 ? null : { ...revisions.get(policyKey(region, year, latest))!, revision: latest };
}

/** 筹资标准 of a region-year from its 大病 contract in force. */
export function fundingOf(contract: InForce<FundContractDto>): RegionYearSummary['funding'] {
  if (contract === null) return null;
  const terms = fundContractFromWire(contract);
  return {
    contractRevision: contract.revision,
    insured: contract.insured,
    priorYearBasicPerCapita: contract.perCapitaBasicFunding,
    fundingRate: contract.fundingRate,
    criticalIllnessPerCapita: print(perCapitaFundingOf(terms)),
    criticalIllnessPremium: print(premiumOf(terms)),
  };
}

/**
 * The time a claim took to settle (即时结报): from its submission (basic.ClaimSubmitted) to the
 * first moment every payer had decided on it, i.e. the last of the three payers' first decisions
 * that name the claim. Undefined while a payer has not decided it, or without its submission.
 */
export function settlementMs(submittedAt: string | undefined, firstDecided: Partial<Record<Payer, string>>): number | undefined {
  const times = [firstDecided.basic, firstDecided.criticalIllness, firstDecided.assistance];
  if (submittedAt === undefined || times.some((t) => t === undefined)) return undefined;
  return Math.max(...times.map((t) => Date.parse(t!))) - Date.parse(submittedAt);
}

/**
 * The public summary of a region-year (信息公开: 筹资标准、待遇水平、结算效率, seed 001/003), from the
 * log alone: the policies in force, what each payer paid, how many claims and person-years, and
 * how fast claims settled. Nothing about any one person.
 */
export function regionYearSummary(index: LogIndex, region: string, year: number): RegionYearSummary {
  const decisions = regionYearDecisions(index.decisions as readonly LoggedDecision[], region, year);
  const paid: Record<Payer, string[]> = { basic: [], criticalIllness: [], assistance: [] };
  const firstDecided = new Map<string, Partial<Record<Payer, string>>>();
  const status = new Map<string, { revision: number; status: string }>();
  const personYears = new Set<string>();
  for (const d of decisions) {
    for (const p of d.data.payments) paid[d.payer].push(p.amount);
    for (const c of d.data.claims) {
      const first = firstDecided.get(c.claimId) ?? {};
      if (first[d.payer] === undefined || Date.parse(d.time) < Date.parse(first[d.payer]!)) first[d.payer] = d.time;
      firstDecided.set(c.claimId, first);
    }
    if (d.payer !== 'basic') continue;
    personYears.add(personYearId(d.data.personYear));
    // a claim's status is the one basic's latest revision that names it gives
    for (const c of d.data.claims as readonly { claimId: string; status?: string }[]) {
      const known = status.get(c.claimId);
      if (!known || known.revision < d.data.revision) status.set(c.claimId, { revision: d.data.revision, status: c.status ?? 'LIVE' });
    }
  }
  const durations: number[] = [];
  for (const claimId of status.keys()) {
    const versions = index.claims.get(claimId)?.versions;
    const submittedAt = versions && versions.size > 0 ? versions.get(Math.min(...versions.keys()))?.time : undefined;
    const ms = settlementMs(submittedAt, firstDecided.get(claimId) ?? {});
    if (ms !== undefined) durations.push(ms);
  }
  const total = (amounts: string[]) => sum(amounts.map((a) => money(a)));
  const paidBy = { basic: total(paid.basic), criticalIllness: total(paid.criticalIllness), assistance: total(paid.assistance) };
  return {
    region,
    year,
    funding: fundingOf(inForce(index.contracts, region, year)),
    benefits: {
      basic: inForce(index.policies.basic, region, year),
      criticalIllness: inForce(index.policies.criticalIllness, region, year),
      assistance: inForce(index.policies.assistance, region, year),
    },
    paid: {
      basic: print(paidBy.basic),
      criticalIllness: print(paidBy.criticalIllness),
      assistance: print(paidBy.assistance),
      total: print(paidBy.basic.plus(paidBy.criticalIllness).plus(paidBy.assistance)),
    },
    claims: status.size,
    reversedClaims: [...status.values()].filter((s) => s.status === 'REVERSED').length,
    personYears: personYears.size,
    settlement: {
      claims: durations.length,
      averageMs: durations.length ? Math.round(durations.reduce((a, b) => a + b, 0) / durations.length) : null,
    },
  };
}
