import { Inject, Injectable } from '@nestjs/common';
import type { AssistancePolicyDto } from '@msb/contracts';
import { Eligibility, EligibilityStore, RegionYearRecalculation, RUNTIME, ServiceRuntime } from '@msb/platform';
import type { AssistancePolicy } from '@msb/settlement';
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
      keyOf: (s) => s.key,
      perPerson: (tx, personIds) => eligibilityStore.read(tx, personIds),
      command: (policy, eligibility) => ({
        type: 'ApplyPolicyRevision',
        data: { policy: { revision: policy.revision, terms: policy.terms }, eligibility: eligibility ?? { revision: 0, windows: [] } },
      }),
      changed: (events) => events.some((e) => e.type === 'PersonYearDecided'),
    });
  }
}
