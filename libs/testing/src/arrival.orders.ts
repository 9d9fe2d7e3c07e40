import type { ScenarioStep } from '@msb/contracts';
import { rng } from './workload.generator';

/** What a step is about, for the ordering constraints. */
function subjects(step: ScenarioStep): { claim?: string; grant?: string; regionYear?: string; claimRegionYear?: string } {
  switch (step.op) {
    case 'putPolicy':
      return { regionYear: `${step.region}|${step.year}` };
    case 'submitClaim':
    case 'correctClaim':
      return { claim: step.claim.claimId, claimRegionYear: `${step.claim.region}|${step.claim.serviceDate.slice(0, 4)}` };
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
 * grant, a region-year's policy revisions in their order and its first policy before its
 * claims. Every such order must converge to the same result.
 */
export function randomArrivalOrder(steps: readonly ScenarioStep[], seed: number): ScenarioStep[] {
  const random = rng(seed);
  const predecessors = steps.map(() => new Set<number>());
  const lastByClaim = new Map<string, number>();
  const lastByGrant = new Map<string, number>();
  const policies = new Map<string, number[]>();
  steps.forEach((step, i) => {
    const s = subjects(step);
    if (s.regionYear) policies.set(s.regionYear, [...(policies.get(s.regionYear) ?? []), i]);
  });
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
    if (s.regionYear !== undefined) {
      const list = policies.get(s.regionYear)!;
      const at = list.indexOf(i);
      if (at > 0) predecessors[i].add(list[at - 1]);
    }
    if (s.claimRegionYear !== undefined) {
      const first = policies.get(s.claimRegionYear)?.[0];
      if (first !== undefined && first !== i) predecessors[i].add(first);
    }
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
