import { Controller, Get, Headers, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Caller, correlationIdFrom, CurrentCaller, idParam, regionYearParams, requireRegion } from '@msb/platform';
import type { Ledger } from '../slip.view';
import { GetLedgerQuery } from './get-ledger.query';

@Controller()
export class GetLedgerController {
  constructor(private readonly queries: QueryBus) {}

  /** The person-year across the three payers, with every claim's slip (a basic officer of the region). */
  @Get('ledgers/:region/:personId/:year')
  ledger(
    @Param('region') region: string,
    @Param('personId') personId: string,
    @Param('year') year: string,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentCaller() caller: Caller,
  ): Promise<Ledger> {
    const params = regionYearParams(region, year);
    const person = idParam('personId', personId);
    requireRegion(caller, params.region);
    return this.queries.execute(new GetLedgerQuery(params.region, person, params.year, caller, correlationIdFrom(headers)));
  }
}
