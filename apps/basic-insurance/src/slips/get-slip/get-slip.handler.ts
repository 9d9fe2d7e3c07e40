import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Problem } from '@msb/platform';
import { Slip, SlipView } from '../slip.view';
import { GetSlipQuery } from './get-slip.query';

@QueryHandler(GetSlipQuery)
export class GetSlipHandler implements IQueryHandler<GetSlipQuery, Slip> {
  constructor(private readonly view: SlipView) {}

  async execute({ claimId }: GetSlipQuery): Promise<Slip> {
    const slip = await this.view.slip(claimId);
    if (!slip) throw Problem.notFound(`claim ${claimId} is unknown`);
    return slip;
  }
}
