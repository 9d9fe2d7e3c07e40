import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { maySeeClaim, Problem, recordAccess, RUNTIME, ServiceRuntime } from '@msb/platform';
import { Slip, SlipView } from '../slip.view';
import { GetSlipQuery } from './get-slip.query';

/**
 * A hospital sees its own claims' slips, a basic officer those of its regions; to anyone
 * else the claim does not exist. Every slip shown is recorded in the access log first.
 */
@QueryHandler(GetSlipQuery)
export class GetSlipHandler implements IQueryHandler<GetSlipQuery, Slip> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly view: SlipView,
  ) {}

  async execute({ claimId, caller, correlationId }: GetSlipQuery): Promise<Slip> {
    const owner = await this.view.owner(claimId);
    const slip = owner && maySeeClaim(caller, owner) ? await this.view.slip(claimId) : undefined;
    if (!slip) throw Problem.notFound(`claim ${claimId} is unknown`);
    await recordAccess(this.runtime.db, caller, {
      action: 'GET /claims/:claimId',
      resource: `claim:${claimId}`,
      personId: slip.personId,
      correlationId,
    });
    return slip;
  }
}
