import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { contentHash } from '@msb/contracts';
import { pgCode, ConcurrencyError } from '@msb/eventing';
import { Problem, RUNTIME, ServiceRuntime } from '@msb/platform';
import { personYearOf, yearOf } from '@msb/settlement';
import { BasicPolicies } from '../../policies/basic-policies';
import { BasicPersonYears } from '../../person-years/basic-person-years';
import { SlipView } from '../../slips/slip.view';
import { findClaim } from '../claim-lookup';
import { ClaimAccepted, SubmitClaimCommand } from './submit-claim.command';

/**
 * 一站式结算 intake: a hospital submits a claim; basic decides it (and re-decides the rest of
 * the person-year) at once and hands the decision on to 大病 through the outbox.
 * Repeating the same claim is harmless; reusing its id for other content is a conflict.
 */
@CommandHandler(SubmitClaimCommand)
export class SubmitClaimHandler implements ICommandHandler<SubmitClaimCommand, ClaimAccepted> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly policies: BasicPolicies,
    private readonly personYears: BasicPersonYears,
    private readonly slips: SlipView,
  ) {}

  async execute({ claim, correlationId, now }: SubmitClaimCommand): Promise<ClaimAccepted> {
    const year = yearOf(claim.serviceDate);
    const hash = contentHash(claim);
    const result = await this.runtime.db.transaction(async (tx) => {
      await this.policies.lockShared(tx, claim.region, year);
      const policy = await this.policies.latest(tx, claim.region, year);
      if (!policy) {
        throw Problem.notPayable(`there is no basic policy for region ${claim.region} in ${year}; the claim cannot be settled`, [
          { path: '/serviceDate', message: `no basic policy for ${claim.region}/${year}` },
        ]);
      }
      const existing = await findClaim(tx, claim.claimId);
      if (existing) {
        if (existing.first_hash !== hash) {
          throw Problem.conflict(`claim ${claim.claimId} was already submitted with different content; correct it with PUT /claims/${claim.claimId}`);
        }
        return { repeated: true as const };
      }
      try {
        await this.personYears.run(tx, personYearOf(claim), { type: 'SubmitClaim', data: { claim, policy: { revision: policy.revision, terms: policy.terms } }, metadata: { now } }, { correlationId });
      } catch (error) {
        // the same claim id submitted concurrently for another person-year: retry, then it is found above
        if (pgCode(error) === '23505' && String((error as Error).message).includes('claims_pkey')) throw new ConcurrencyError(`claim ${claim.claimId} submitted concurrently`);
        throw error;
      }
      return { repeated: false as const };
    });
    if (!result.repeated) this.runtime.relay.poke();
    const slip = await this.slips.status(claim.claimId);
    return { claimId: claim.claimId, version: slip?.version ?? 1, status: slip?.status ?? 'PENDING' };
  }
}
