import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { idParam } from '@msb/platform';
import type { Slip } from '../slip.view';
import { GetSlipQuery } from './get-slip.query';

@Controller()
export class GetSlipController {
  constructor(private readonly queries: QueryBus) {}

  /** The one-stop slip (一站式结算单) of a claim. */
  @Get('claims/:claimId')
  slip(@Param('claimId') claimId: string): Promise<Slip> {
    return this.queries.execute(new GetSlipQuery(idParam('claimId', claimId)));
  }
}
