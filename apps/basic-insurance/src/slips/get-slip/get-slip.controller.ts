import { Controller, Get, Headers, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Caller, correlationIdFrom, CurrentCaller, idParam } from '@msb/platform';
import type { Slip } from '../slip.view';
import { GetSlipQuery } from './get-slip.query';

@Controller()
export class GetSlipController {
  constructor(private readonly queries: QueryBus) {}

  /** The one-stop slip (一站式结算单) of a claim. */
  @Get('claims/:claimId')
  slip(
    @Param('claimId') claimId: string,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentCaller() caller: Caller,
  ): Promise<Slip> {
    return this.queries.execute(new GetSlipQuery(idParam('claimId', claimId), caller, correlationIdFrom(headers)));
  }
}
