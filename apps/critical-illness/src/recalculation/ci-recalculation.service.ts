import { Inject, Injectable } from '@nestjs/common';
import type { CriticalIllnessPolicyDto } from '@msb/contracts';
import { Eligibility, EligibilityStore, RegionYearRecalculation, RUNTIME, ServiceRuntime } from '@msb/platform';
import { applyPolicyRevision, CriticalIllnessPolicy } from '@msb/settlement';
import type { CiCommand, CiEvent, CiPersonYearState } from '../person-years/ci-person-year.decider';
import { CriticalIllnessPersonYears } from '../person-years/ci-person-year.repository';
import { CriticalIllnessPolicies } from '../policies/ci-policy.store';

/**
 * A 大病 policy revision (or the first policy, which settles the parked person-years)
 * recomputes every person-year of the region-year, in batches, resumably.
 */
@Injectable()
export class CriticalIllnessRecalculation extends RegionYearRecalculation<
  CiPersonYearState,
  CiCommand,
  CiEvent,
  CriticalIllnessPolicyDto,
  CriticalIllnessPolicy,
  Eligibility
> {
  constructor(
    @Inject(RUNTIME) runtime: ServiceRuntime,
    policies: CriticalIllnessPolicies,
    eligibilityStore: EligibilityStore,
    personYears: CriticalIllnessPersonYears,
  ) {
    super({
      runtime,
      policies,
      personYears,
      perPerson: (tx, personIds) => eligibilityStore.read(tx, personIds),
      command: (policy, eligibility) => applyPolicyRevision({ revision: policy.revision, terms: policy.terms }, eligibility),
    });
  }
}
