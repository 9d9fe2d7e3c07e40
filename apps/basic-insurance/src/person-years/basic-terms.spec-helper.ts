import { basicCatalogueFromWire, basicPolicyFromWire, hospitalFromWire } from '@msb/settlement';
import { scenarioCatalogue, scenarioHospitals, scenarioPolicy } from '@msb/testing/decider';
import type { BasicTerms } from './basic-person-year.decider';

/** The terms a scenario file sets for its (one) region-year: policy, catalogue and hospitals, each at revision 1 (the registry at its size). */
export function scenarioTerms(file: string): BasicTerms {
  const hospitals = scenarioHospitals(file);
  return {
    policy: { revision: 1, terms: basicPolicyFromWire(scenarioPolicy(file, 'basic')) },
    catalogue: { revision: 1, terms: basicCatalogueFromWire(scenarioCatalogue(file, 'basic')) },
    hospitals: { revision: hospitals.size, hospitals: new Map([...hospitals].map(([id, h]) => [id, hospitalFromWire(h)])) },
  };
}
