import { BasicPolicyDto, TOPICS } from '@msb/contracts';
import { PolicyStore } from '@msb/platform';
import { BasicPolicy, basicPolicyFromWire } from '@msb/settlement';

/** The basic section of each region-year's policy (医保局), revision by revision. */
export class BasicPolicies extends PolicyStore<BasicPolicyDto, BasicPolicy> {
  constructor() {
    super({
      payer: 'basic',
      source: 'basic-insurance',
      eventType: 'basic.PolicyRevised',
      topic: TOPICS.basicPolicies,
      parse: basicPolicyFromWire,
    });
  }
}
