import { Inject, Injectable } from '@nestjs/common';
import { RegionYearRecalculation, RUNTIME, ServiceRuntime } from '@msb/platform';
import { Grants } from '../eligibility/grants';
import { AssistancePersonYears } from '../person-years/assistance-person-years';
import { AssistancePolicies } from '../policies/assistance-policies';

/** An assistance policy revision (or the first one, which settles the parked) recomputes the region-year. */
@Injectable()
export class AssistanceRecalculation {
  readonly recalculation;

  constructor(@Inject(RUNTIME) runtime: ServiceRuntime, policies: AssistancePolicies, grants: Grants, personYears: AssistancePersonYears) {
    this.recalculation = new RegionYearRecalculation({
      runtime,
      policies,
      personYears,
      keyOf: (s) => s.key,
      facts: (tx, personIds) => grants.eligibility(tx, personIds),
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
