import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { idParam, regionYearParams } from '@msb/platform';
import type { Ledger } from '../slip.view';
import { GetLedgerQuery } from './get-ledger.query';

@Controller()
export class GetLedgerController {
  constructor(private readonly queries: QueryBus) {}

  /** The person-year across the three payers, with every claim's slip. */
  @Get('ledgers/:region/:personId/:year')
  ledger(@Param('region') region: string, @Param('personId') personId: string, @Param('year') year: string): Promise<Ledger> {
    const params = regionYearParams(region, year);
    return this.queries.execute(new GetLedgerQuery(params.region, idParam('personId', personId), params.year));
  }
}
