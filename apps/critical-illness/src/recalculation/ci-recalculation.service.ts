import { Inject, Injectable } from '@nestjs/common';
import type { CriticalIllnessPolicyDto } from '@msb/contracts';
import { Eligibility, EligibilityStore, RegionYearRecalculation, RUNTIME, ServiceRuntime } from '@msb/platform';
import { applyPolicyRevision, CriticalIllnessPolicy } from '@msb/settlement';
import type { CiCommand, CiEvent, CiInForce, CiPersonYearState } from '../person-years/ci-person-year.decider';
import { CriticalIllnessPersonYears } from '../person-years/ci-person-year.repository';
import { CriticalIllnessPolicies } from '../policies/ci-policy.store';
import { CriticalIllnessCatalogues } from '../catalogue/ci-catalogue.store';

/**
 * A 大病 policy or catalogue revision (or the first policy, which settles the parked
 * person-years) recomputes every person-year of the region-year, in batches, resumably.
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
    catalogues: CriticalIllnessCatalogues,
    eligibilityStore: EligibilityStore,
    personYears: CriticalIllnessPersonYears,
  ) {
    super({
      runtime,
      policies,
      personYears,
      perPerson: (tx, personIds) => eligibilityStore.read(tx, personIds),
      regionYear: async (tx, region, year): Promise<CiInForce['catalogue']> => {
        const catalogue = await catalogues.latest(tx, region, year);
        return catalogue && { revision: catalogue.revision, covered: catalogue.terms };
      },
      command: (policy, eligibility, catalogue): CiCommand => {
        const command = applyPolicyRevision({ revision: policy.revision, terms: policy.terms }, eligibility);
        return { ...command, data: { ...command.data, catalogue: catalogue as CiInForce['catalogue'] } };
      },
    });
  }
}
