import { Controller, Get, Param } from '@nestjs/common';
import { idParam, Problem, regionYearParams } from '@msb/platform';
import { AssistanceLedgerView } from './assistance-ledger.view';

/** The assistance person-year: category, cumulative base, entitlement, what was paid per claim. */
@Controller()
export class AssistanceLedgerController {
  constructor(private readonly view: AssistanceLedgerView) {}

  @Get('ledgers/:region/:personId/:year')
  async ledger(@Param('region') region: string, @Param('personId') personId: string, @Param('year') year: string) {
    const p = regionYearParams(region, year);
    const key = { region: p.region, personId: idParam('personId', personId), year: p.year };
    const ledger = await this.view.ledger(key);
    if (!ledger) throw Problem.notFound(`assistance has no person-year ${key.region}/${key.personId}/${key.year}`);
    return ledger;
  }
}
