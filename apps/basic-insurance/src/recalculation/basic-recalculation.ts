import { Inject, Injectable } from '@nestjs/common';
import { RegionYearRecalculation, RUNTIME, ServiceRuntime } from '@msb/platform';
import { BasicPersonYears } from '../person-years/basic-person-years';
import { BasicPolicies } from '../policies/basic-policies';

/**
 * A basic policy revision applies to the whole year: every person-year of the region-year
 * is recomputed, in batches, resumably; what changed flows on to 大病 and assistance.
 */
@Injectable()
export class BasicRecalculation {
  readonly recalculation;

  constructor(@Inject(RUNTIME) runtime: ServiceRuntime, policies: BasicPolicies, personYears: BasicPersonYears) {
    this.recalculation = new RegionYearRecalculation({
      runtime,
      policies,
      personYears,
      keyOf: (s) => s.key,
      facts: async () => new Map<string, never>(),
      command: (policy) => ({ type: 'ApplyPolicyRevision' as const, data: { policy: { revision: policy.revision, terms: policy.terms } }, metadata: { now: new Date() } }),
      changed: (events) => events.some((e) => e.type === 'PersonYearDecided'),
    });
  }

  get worker() {
    return this.recalculation.worker;
  }

  poke(): void {
    this.recalculation.poke();
  }
}
