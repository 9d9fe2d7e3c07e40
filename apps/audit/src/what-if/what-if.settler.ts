import type {
  AssistancePolicyDto,
  BasicCatalogueDto,
  BasicPolicyDto,
  CriticalIllnessCatalogueDto,
  CriticalIllnessPolicyDto,
  HospitalRecordDto,
} from '@msb/contracts';
import {
  assistancePolicyFromWire,
  BasicCatalogue,
  basicCatalogueFromWire,
  basicPolicyFromWire,
  criticalIllnessCatalogueFromWire,
  criticalIllnessPolicyFromWire,
  HospitalRecord,
  hospitalFromWire,
  PoliciesInForce,
} from '@msb/settlement';
import { PersonYearRows, recordedPersonYear } from './region-year-facts.view';
import { addPersonYear, Figure, TallySnapshot, UnknownHospital, WhatIfPolicies, WhatIfTally } from './what-if.fold';

/** The sections of a region-year's policy, as the wire carries them (a section absent: none). */
export interface SectionsDto {
  basic: BasicPolicyDto;
  criticalIllness?: CriticalIllnessPolicyDto;
  assistance?: AssistancePolicyDto;
}

/** What a what-if settles on, in plain values (it crosses to worker threads): the sections in force, the drafts, the catalogues and registry in force. */
export interface WhatIfTerms {
  inForce: SectionsDto;
  drafts: Partial<SectionsDto>;
  catalogue: BasicCatalogueDto;
  criticalIllnessCatalogue: CriticalIllnessCatalogueDto;
  hospitals: [string, HospitalRecordDto][];
  /** The figures of one person the caller is shown. */
  shown: readonly Figure[];
}

/** The drafts in place of the sections they replace; a section not drafted is the very one in force (its stage is not settled again). */
export function policiesOf(terms: Pick<WhatIfTerms, 'inForce' | 'drafts' | 'criticalIllnessCatalogue'>): WhatIfPolicies {
  const { inForce, drafts } = terms;
  const current: PoliciesInForce = {
    basic: basicPolicyFromWire(inForce.basic),
    // a payer without a policy pays nothing yet (it parks): so in `current`, and in `draft` unless drafted
    criticalIllness: inForce.criticalIllness && criticalIllnessPolicyFromWire(inForce.criticalIllness),
    assistance: inForce.assistance && assistancePolicyFromWire(inForce.assistance),
    criticalIllnessCatalogue: criticalIllnessCatalogueFromWire(terms.criticalIllnessCatalogue),
  };
  if (drafts.basic === undefined && drafts.criticalIllness === undefined && drafts.assistance === undefined)
    return { current, draft: current };
  return {
    current,
    draft: {
      ...current,
      ...(drafts.basic ? { basic: basicPolicyFromWire(drafts.basic) } : {}),
      ...(drafts.criticalIllness ? { criticalIllness: criticalIllnessPolicyFromWire(drafts.criticalIllness) } : {}),
      ...(drafts.assistance ? { assistance: assistancePolicyFromWire(drafts.assistance) } : {}),
    },
  };
}

/** Settles batches of a region-year's person-years into one tally (in this thread, or in a worker thread of the pool). */
export class RegionYearSettler {
  private readonly policies: WhatIfPolicies;
  private readonly classified: { catalogue: BasicCatalogue; hospitals: Map<string, HospitalRecord> };
  private readonly tally: WhatIfTally;
  private notReplayed = 0;

  constructor(terms: WhatIfTerms) {
    this.policies = policiesOf(terms);
    this.classified = {
      catalogue: basicCatalogueFromWire(terms.catalogue),
      hospitals: new Map(terms.hospitals.map(([id, record]) => [id, hospitalFromWire(record)])),
    };
    this.tally = new WhatIfTally(terms.shown);
  }

  add(batch: readonly PersonYearRows[]): void {
    for (const rows of batch) {
      try {
        addPersonYear(this.tally, this.policies, this.classified, recordedPersonYear(rows));
      } catch (error) {
        // the log lacks the registry record of a claim's hospital: that person-year cannot be replayed
        if (!(error instanceof UnknownHospital)) throw error;
        this.notReplayed += 1;
      }
    }
  }

  result(): { tally: TallySnapshot; notReplayed: number } {
    return { tally: this.tally.snapshot(), notReplayed: this.notReplayed };
  }
}
