import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Problem, recordAccess, RUNTIME, ServiceRuntime } from '@msb/platform';
import { Ledger, SlipView } from '../slip.view';
import { GetLedgerQuery } from './get-ledger.query';

@QueryHandler(GetLedgerQuery)
export class GetLedgerHandler implements IQueryHandler<GetLedgerQuery, Ledger> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly view: SlipView,
  ) {}

  async execute({ region, personId, year, caller, correlationId }: GetLedgerQuery): Promise<Ledger> {
    const ledger = await this.view.ledger(region, personId, year);
    if (!ledger) throw Problem.notFound(`no claims for person ${personId} in ${region}/${year}`);
    await recordAccess(this.runtime.db, caller, {
      action: 'GET /ledgers/:region/:personId/:year',
      resource: `ledger:${region}/${personId}/${year}`,
      personId,
      correlationId,
    });
    return ledger;
  }
}
