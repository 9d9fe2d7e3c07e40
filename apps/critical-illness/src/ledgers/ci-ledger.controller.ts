import { Controller, Get, Param } from '@nestjs/common';
import { idParam, Problem, regionYearParams } from '@msb/platform';
import { CriticalIllnessLedgerView } from './ci-ledger.view';

/** The 大病 person-year: cumulative base, threshold (tilted or not), entitlement, what was paid per claim. */
@Controller()
export class CriticalIllnessLedgerController {
  constructor(private readonly view: CriticalIllnessLedgerView) {}

  @Get('ledgers/:region/:personId/:year')
  async ledger(@Param('region') region: string, @Param('personId') personId: string, @Param('year') year: string) {
    const p = regionYearParams(region, year);
    const key = { region: p.region, personId: idParam('personId', personId), year: p.year };
    const ledger = await this.view.ledger(key);
    if (!ledger) throw Problem.notFound(`大病 has no person-year ${key.region}/${key.personId}/${key.year}`);
    return ledger;
  }
}
