import { Controller, Get, Headers, Inject, Param } from '@nestjs/common';
import {
  Caller,
  correlationIdFrom,
  CurrentCaller,
  idParam,
  Problem,
  recordAccess,
  regionYearParams,
  requireRegion,
  RUNTIME,
  ServiceRuntime,
} from '@msb/platform';
import { CriticalIllnessLedgerView } from './ci-ledger.view';

/** The 大病 person-year: cumulative base, threshold (tilted or not), entitlement, what was paid per claim. */
@Controller()
export class CriticalIllnessLedgerController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly view: CriticalIllnessLedgerView,
  ) {}

  @Get('ledgers/:region/:personId/:year')
  async ledger(
    @Param('region') region: string,
    @Param('personId') personId: string,
    @Param('year') year: string,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentCaller() caller: Caller,
  ) {
    const p = regionYearParams(region, year);
    const key = { region: p.region, personId: idParam('personId', personId), year: p.year };
    requireRegion(caller, key.region);
    const ledger = await this.view.ledger(key);
    if (!ledger) throw Problem.notFound(`大病 has no person-year ${key.region}/${key.personId}/${key.year}`);
    await recordAccess(this.runtime.db, caller, {
      action: 'GET /ledgers/:region/:personId/:year',
      resource: `ledger:${key.region}/${key.personId}/${key.year}`,
      personId: key.personId,
      correlationId: correlationIdFrom(headers),
    });
    return ledger;
  }
}
