import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Problem, RUNTIME, ServiceRuntime } from '@msb/platform';
import { BasicPolicies } from '../../policies/basic-policies';
import { BasicPersonYears } from '../../person-years/basic-person-years';
import { SlipView } from '../../slips/slip.view';
import { findClaim } from '../claim-lookup';
import { ClaimAccepted } from '../submit-claim/submit-claim.command';
import { ReverseClaimCommand } from './reverse-claim.command';

/** 冲销: the claim pays nothing from any payer; the rest of the year is recomputed. */
@CommandHandler(ReverseClaimCommand)
export class ReverseClaimHandler implements ICommandHandler<ReverseClaimCommand, ClaimAccepted> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly policies: BasicPolicies,
    private readonly personYears: BasicPersonYears,
    private readonly slips: SlipView,
  ) {}

  async execute({ claimId, reason, correlationId, now }: ReverseClaimCommand): Promise<ClaimAccepted> {
    await this.runtime.db.transaction(async (tx) => {
      const known = await findClaim(tx, claimId);
      if (!known) throw Problem.notFound(`claim ${claimId} is unknown`);
      await this.policies.lockShared(tx, known.region, known.year);
      const policy = await this.policies.latest(tx, known.region, known.year);
      if (!policy) throw Problem.notPayable(`there is no basic policy for region ${known.region} in ${known.year}`);
      const key = { region: known.region, personId: known.person_id, year: known.year };
      await this.personYears.run(tx, key, { type: 'ReverseClaim', data: { claimId, reason, policy: { revision: policy.revision, terms: policy.terms } }, metadata: { now } }, { correlationId });
    });
    this.runtime.relay.poke();
    const slip = await this.slips.status(claimId);
    return { claimId, version: slip?.version ?? 1, status: slip?.status ?? 'PENDING' };
  }
}
