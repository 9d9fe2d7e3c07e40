import { Inject, Injectable } from '@nestjs/common';
import type { AssistancePolicyDto } from '@msb/contracts';
import { Eligibility, EligibilityStore, RegionYearRecalculation, RUNTIME, ServiceRuntime } from '@msb/platform';
import { applyPolicyRevision, AssistancePolicy } from '@msb/settlement';
import type { AssistanceCommand, AssistanceEvent, AssistancePersonYearState } from '../person-years/assistance-person-year.decider';
import { AssistancePersonYears } from '../person-years/assistance-person-year.repository';
import { AssistancePolicies } from '../policies/assistance-policy.store';

/** An assistance policy revision (or the first one, which settles the parked) recomputes the region-year. */
@Injectable()
export class AssistanceRecalculation extends RegionYearRecalculation<
  AssistancePersonYearState,
  AssistanceCommand,
  AssistanceEvent,
  AssistancePolicyDto,
  AssistancePolicy,
  Eligibility
> {
  constructor(
    @Inject(RUNTIME) runtime: ServiceRuntime,
    policies: AssistancePolicies,
    eligibilityStore: EligibilityStore,
    personYears: AssistancePersonYears,
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
