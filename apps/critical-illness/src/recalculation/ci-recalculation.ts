import { Inject, Injectable } from '@nestjs/common';
import { RegionYearRecalculation, RUNTIME, ServiceRuntime } from '@msb/platform';
import { readEligibility } from '../inputs/persons';
import { CriticalIllnessPersonYears } from '../person-years/ci-person-years';
import { CriticalIllnessPolicies } from '../policies/ci-policies';

/**
 * A 大病 policy revision (or the first policy, which settles the parked person-years)
 * recomputes every person-year of the region-year, in batches, resumably.
 */
@Injectable()
export class CriticalIllnessRecalculation {
  readonly recalculation;

  constructor(@Inject(RUNTIME) runtime: ServiceRuntime, policies: CriticalIllnessPolicies, personYears: CriticalIllnessPersonYears) {
    this.recalculation = new RegionYearRecalculation({
      runtime,
      policies,
      personYears,
      keyOf: (s) => s.key,
      facts: readEligibility,
      command: (policy, eligibility) => ({
        type: 'ApplyPolicyRevision' as const,
        data: { policy: { revision: policy.revision, terms: policy.terms }, eligibility: eligibility ?? { revision: 0, grants: [] } },
      }),
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
