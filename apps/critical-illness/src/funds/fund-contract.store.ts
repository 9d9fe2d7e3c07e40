import type { FundContractDto } from '@msb/contracts';
import { TOPICS } from '@msb/contracts';
import { PolicyStore } from '@msb/platform';
import { FundContract, fundContractFromWire } from '@msb/settlement';

/**
 * The 大病 contract of each region-year (大病保险合同, seed 003 §五(二)), revision by revision like
 * the policies (If-Match, a repeat is a no-op). It changes no claim's payment, so a revision
 * recalculates nothing; it is recorded in the event store and published as
 * critical-illness.ContractRevised (the 筹资标准 of the public summary).
 */
export class CriticalIllnessContracts extends PolicyStore<FundContractDto, FundContract> {
  constructor() {
    super({
      payer: 'critical-illness',
      source: 'critical-illness',
      parse: fundContractFromWire,
      kind: 'contract',
      recalculates: false,
      eventType: 'critical-illness.ContractRevised',
      topic: TOPICS.criticalIllnessFunds,
    });
  }
}
