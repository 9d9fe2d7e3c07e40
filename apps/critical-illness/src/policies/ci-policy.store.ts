import { CriticalIllnessPolicyDto, TOPICS } from '@msb/contracts';
import { PolicyStore } from '@msb/platform';
import { CriticalIllnessPolicy, criticalIllnessPolicyFromWire } from '@msb/settlement';

/** The 大病 section of each region-year's policy, revision by revision. */
export class CriticalIllnessPolicies extends PolicyStore<CriticalIllnessPolicyDto, CriticalIllnessPolicy> {
  constructor() {
    super({
      payer: 'critical-illness',
      source: 'critical-illness',
      eventType: 'critical-illness.PolicyRevised',
      topic: TOPICS.criticalIllnessPolicies,
      parse: criticalIllnessPolicyFromWire,
    });
  }
}
