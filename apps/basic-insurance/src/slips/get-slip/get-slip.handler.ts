import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Slip, SlipView } from '../slip.view';
import { GetSlipQuery } from './get-slip.query';

/**
 * A hospital sees its own claims' slips, a basic officer those of its regions; to anyone
 * else the claim does not exist. Every slip shown is recorded in the access log first.
 */
@QueryHandler(GetSlipQuery)
export class GetSlipHandler implements IQueryHandler<GetSlipQuery, Slip> {
  constructor(private readonly view: SlipView) {}

  execute({ claimId, caller, correlationId }: GetSlipQuery): Promise<Slip> {
    return this.view.shownTo(caller, claimId, 'GET /claims/:claimId', correlationId);
  }
}
