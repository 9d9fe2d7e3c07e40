import { Inject, Injectable } from '@nestjs/common';
import type { AssistancePolicyDto } from '@msb/contracts';
import { RegionYearRecalculation, RUNTIME, ServiceRuntime } from '@msb/platform';
import type { AssistancePolicy, Grant } from '@msb/settlement';
import { Grants } from '../eligibility/grants.service';
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
  { revision: number; grants: Grant[] }
> {
  constructor(@Inject(RUNTIME) runtime: ServiceRuntime, policies: AssistancePolicies, grants: Grants, personYears: AssistancePersonYears) {
    super({
      runtime,
      policies,
      personYears,
      keyOf: (s) => s.key,
      facts: (tx, personIds) => grants.eligibility(tx, personIds),
      command: (policy, eligibility) => ({
        type: 'ApplyPolicyRevision',
        data: { policy: { revision: policy.revision, terms: policy.terms }, eligibility: eligibility ?? { revision: 0, grants: [] } },
      }),
      changed: (events) => events.some((e) => e.type === 'PersonYearDecided'),
    });
  }
}
