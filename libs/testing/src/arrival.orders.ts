import type { ScenarioStep } from '@msb/contracts';
import { rng } from './workload.generator';

/** What a step is about, for the ordering constraints. */
function subjects(step: ScenarioStep): {
  claim?: string;
  grant?: string;
  regionYear?: string;
  catalogue?: string;
  hospital?: string;
  claimRegionYear?: string;
  claimHospital?: string;
} {
  switch (step.op) {
    case 'putPolicy':
      return { regionYear: `${step.region}|${step.year}` };
    case 'putCatalogue':
      return { catalogue: `${step.region}|${step.year}` };
    case 'putHospital':
      return { hospital: step.hospitalId };
    case 'submitClaim':
    case 'correctClaim':
      return {
        claim: step.claim.claimId,
        claimRegionYear: `${step.claim.region}|${Number(step.claim.serviceDate.slice(0, 4))}`,
        claimHospital: step.claim.hospital.id,
      };
    case 'reverseClaim':
      return { claim: step.claimId };
    case 'grantEligibility':
    case 'revokeEligibility':
      return { grant: step.grantId };
    default:
      return {};
  }
}

/**
 * A random arrival order of the steps that keeps only what the facts require: the steps on
 * one claim (submission, corrections, reversal) in their order, a revocation after its
 * grant, a region-year's policy revisions and catalogue revisions each in their order, a
 * hospital's records in their order, and before every claim the first policy and the first
 * catalogue of its region-year and the first record of its hospital (a claim from a
 * hospital the registry does not know is refused). Every such order must converge to the
 * same result.
 */
export function randomArrivalOrder(steps: readonly ScenarioStep[], seed: number): ScenarioStep[] {
  const random = rng(seed);
  const predecessors = steps.map(() => new Set<number>());
  const lastByClaim = new Map<string, number>();
  const lastByGrant = new Map<string, number>();
  const policies = new Map<string, number[]>();
  const catalogues = new Map<string, number[]>();
  const hospitals = new Map<string, number[]>();
  const append = (lists: Map<string, number[]>, key: string, i: number) => lists.set(key, [...(lists.get(key) ?? []), i]);
  steps.forEach((step, i) => {
    const s = subjects(step);
    if (s.regionYear !== undefined) append(policies, s.regionYear, i);
    if (s.catalogue !== undefined) append(catalogues, s.catalogue, i);
    if (s.hospital !== undefined) append(hospitals, s.hospital, i);
  });
  /** Each revision after the one before it. */
  const inTheirOrder = (lists: Map<string, number[]>, key: string | undefined, i: number) => {
    if (key === undefined) return;
    const list = lists.get(key)!;
    const at = list.indexOf(i);
    if (at > 0) predecessors[i].add(list[at - 1]);
  };
  /** After the first of `key`'s list. */
  const afterFirst = (lists: Map<string, number[]>, key: string | undefined, i: number) => {
    const first = key === undefined ? undefined : lists.get(key)?.[0];
    if (first !== undefined && first !== i) predecessors[i].add(first);
  };
  steps.forEach((step, i) => {
    const s = subjects(step);
    if (s.claim !== undefined) {
      const previous = lastByClaim.get(s.claim);
      if (previous !== undefined) predecessors[i].add(previous);
      lastByClaim.set(s.claim, i);
    }
    if (s.grant !== undefined) {
      const previous = lastByGrant.get(s.grant);
      if (previous !== undefined) predecessors[i].add(previous);
      lastByGrant.set(s.grant, i);
    }
    inTheirOrder(policies, s.regionYear, i);
    inTheirOrder(catalogues, s.catalogue, i);
    inTheirOrder(hospitals, s.hospital, i);
    afterFirst(policies, s.claimRegionYear, i);
    afterFirst(catalogues, s.claimRegionYear, i);
    afterFirst(hospitals, s.claimHospital, i);
  });
  const done = new Set<number>();
  const order: ScenarioStep[] = [];
  while (order.length < steps.length) {
    const ready = steps.map((_, i) => i).filter((i) => !done.has(i) && [...predecessors[i]].every((p) => done.has(p)));
    const next = ready[Math.floor(random() * ready.length)];
    done.add(next);
    order.push(steps[next]);
  }
  return order;
}
