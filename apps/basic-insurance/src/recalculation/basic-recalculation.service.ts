import { Inject, Injectable } from '@nestjs/common';
import type { BasicPolicyDto } from '@msb/contracts';
import { RegionYearRecalculation, RUNTIME, ServiceRuntime } from '@msb/platform';
import type { BasicPolicy } from '@msb/settlement';
import type { BasicCommand, BasicEvent, BasicPersonYearState } from '../person-years/basic-person-year.decider';
import { BasicPersonYears } from '../person-years/basic-person-year.repository';
import { BasicPolicies } from '../policies/basic-policy.store';

/**
 * A basic policy revision applies to the whole year: every person-year of the region-year
 * is recomputed, in batches, resumably; what changed flows on to 大病 and assistance.
 */
@Injectable()
export class BasicRecalculation extends RegionYearRecalculation<
  BasicPersonYearState,
  BasicCommand,
  BasicEvent,
  BasicPolicyDto,
  BasicPolicy,
  never
> {
  constructor(@Inject(RUNTIME) runtime: ServiceRuntime, policies: BasicPolicies, personYears: BasicPersonYears) {
    super({
      runtime,
      policies,
      personYears,
      perPerson: async () => new Map<string, never>(),
      command: (policy) => ({
        type: 'ApplyPolicyRevision',
        data: { policy: { revision: policy.revision, terms: policy.terms } },
      }),
    });
  }
}
