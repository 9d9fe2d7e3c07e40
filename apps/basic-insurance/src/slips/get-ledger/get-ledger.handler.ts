import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Problem } from '@msb/platform';
import { Ledger, SlipView } from '../slip.view';
import { GetLedgerQuery } from './get-ledger.query';

@QueryHandler(GetLedgerQuery)
export class GetLedgerHandler implements IQueryHandler<GetLedgerQuery, Ledger> {
  constructor(private readonly view: SlipView) {}

  async execute({ region, personId, year }: GetLedgerQuery): Promise<Ledger> {
    const ledger = await this.view.ledger(region, personId, year);
    if (!ledger) throw Problem.notFound(`no claims for person ${personId} in ${region}/${year}`);
    return ledger;
  }
}
