import { BasicCatalogueDto, TOPICS } from '@msb/contracts';
import { PolicyStore } from '@msb/platform';
import { BasicCatalogue, basicCatalogueFromWire } from '@msb/settlement';

/** The bureau's catalogue (医保目录) of each region-year, revision by revision: it classifies every claim item (甲/乙/丙). */
export class BasicCatalogues extends PolicyStore<BasicCatalogueDto, BasicCatalogue> {
  constructor() {
    super({
      payer: 'basic',
      source: 'basic-insurance',
      eventType: 'basic.CatalogueRevised',
      topic: TOPICS.basicPolicies,
      parse: basicCatalogueFromWire,
      kind: 'catalogue',
    });
  }
}
