import { AssistancePolicyDto, TOPICS } from '@msb/contracts';
import { PolicyStore } from '@msb/platform';
import { AssistancePolicy, assistancePolicyFromWire } from '@msb/settlement';

/** The assistance section of each region-year's policy (civil affairs), revision by revision. */
export class AssistancePolicies extends PolicyStore<AssistancePolicyDto, AssistancePolicy> {
  constructor() {
    super({
      payer: 'assistance',
      source: 'medical-assistance',
      eventType: 'assistance.PolicyRevised',
      topic: TOPICS.assistancePolicies,
      parse: assistancePolicyFromWire,
    });
  }
}
