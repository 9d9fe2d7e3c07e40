import { CriticalIllnessCatalogueDto, TOPICS } from '@msb/contracts';
import { PolicyStore } from '@msb/platform';
import { CriticalIllnessCatalogue, criticalIllnessCatalogueFromWire } from '@msb/settlement';

/** The insurer's 大病 catalogue of each region-year: the codes outside basic scope it admits into its base (谈判药 and the like). */
export class CriticalIllnessCatalogues extends PolicyStore<CriticalIllnessCatalogueDto, CriticalIllnessCatalogue> {
  constructor() {
    super({
      payer: 'critical-illness',
      source: 'critical-illness',
      eventType: 'critical-illness.CatalogueRevised',
      topic: TOPICS.criticalIllnessPolicies,
      parse: criticalIllnessCatalogueFromWire,
      kind: 'catalogue',
    });
  }
}
