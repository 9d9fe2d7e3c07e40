import { Inject, Injectable } from '@nestjs/common';
import type { BasicPolicyDto } from '@msb/contracts';
import { RegionYearRecalculation, RUNTIME, ServiceRuntime } from '@msb/platform';
import type { BasicPolicy } from '@msb/settlement';
import { BasicCatalogues } from '../catalogue/basic-catalogue.store';
import { HospitalRegistry } from '../hospitals/hospital-registry.store';
import type { BasicCommand, BasicEvent, BasicPersonYearState, BasicTerms } from '../person-years/basic-person-year.decider';
import { BasicPersonYears } from '../person-years/basic-person-year.repository';
import { BasicPolicies } from '../policies/basic-policy.store';

/**
 * A revision of the basic policy, of the catalogue or of a hospital's record applies to the
 * whole year: every person-year of the region-year is recomputed on the terms in force, in
 * batches, resumably; what changed flows on to 大病 and assistance.
 */
const EMPTY_CATALOGUE: BasicTerms['catalogue'] = { revision: 0, terms: new Map() };

@Injectable()
export class BasicRecalculation extends RegionYearRecalculation<
  BasicPersonYearState,
  BasicCommand,
  BasicEvent,
  BasicPolicyDto,
  BasicPolicy,
  never
> {
  constructor(
    @Inject(RUNTIME) runtime: ServiceRuntime,
    policies: BasicPolicies,
    catalogues: BasicCatalogues,
    registry: HospitalRegistry,
    personYears: BasicPersonYears,
  ) {
    super({
      runtime,
      policies,
      personYears,
      perPerson: async () => new Map<string, never>(),
      regionYear: async (tx, region, year) => {
        const catalogue = await catalogues.latest(tx, region, year);
        return { catalogue: catalogue && { revision: catalogue.revision, terms: catalogue.terms }, hospitals: await registry.inForce(tx) };
      },
      command: (policy, _person, regionYear): BasicCommand => {
        const { catalogue, hospitals } = regionYear as Omit<BasicTerms, 'policy' | 'catalogue'> & { catalogue?: BasicTerms['catalogue'] };
        // claims are only taken with a catalogue in force, so a region-year with claims has one
        return {
          type: 'ApplyPolicyRevision',
          data: { policy: { revision: policy.revision, terms: policy.terms }, catalogue: catalogue ?? EMPTY_CATALOGUE, hospitals },
        };
      },
    });
  }
}
