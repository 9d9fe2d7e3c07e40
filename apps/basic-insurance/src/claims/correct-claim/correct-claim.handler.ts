import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { contentHash } from '@msb/contracts';
import { FieldProblem, Problem, RUNTIME, ServiceRuntime } from '@msb/platform';
import { personYearOf, yearOf } from '@msb/settlement';
import { BasicPolicies } from '../../policies/basic-policies';
import { BasicPersonYears } from '../../person-years/basic-person-years';
import { SlipView } from '../../slips/slip.view';
import { findClaim } from '../claim-lookup';
import { ClaimAccepted } from '../submit-claim/submit-claim.command';
import { CorrectClaimCommand } from './correct-claim.command';

/**
 * A corrected bill replaces the claim's content as a new version; the whole person-year is
 * recomputed and every payer adjusts. A correction may not move the claim to another person,
 * region or year: that is a reversal and a new claim.
 */
@CommandHandler(CorrectClaimCommand)
export class CorrectClaimHandler implements ICommandHandler<CorrectClaimCommand, ClaimAccepted> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly policies: BasicPolicies,
    private readonly personYears: BasicPersonYears,
    private readonly slips: SlipView,
  ) {}

  async execute({ claim, correlationId, now }: CorrectClaimCommand): Promise<ClaimAccepted> {
    const year = yearOf(claim.serviceDate);
    const changed = await this.runtime.db.transaction(async (tx) => {
      await this.policies.lockShared(tx, claim.region, year);
      const existing = await findClaim(tx, claim.claimId);
      if (!existing) throw Problem.notFound(`claim ${claim.claimId} is unknown`);
      if (existing.status === 'REVERSED') throw Problem.conflict(`claim ${claim.claimId} has been reversed and cannot be corrected`);
      const moved: FieldProblem[] = [];
      if (existing.person_id !== claim.personId) moved.push({ path: '/personId', message: `must stay ${existing.person_id}` });
      if (existing.region !== claim.region) moved.push({ path: '/region', message: `must stay ${existing.region}` });
      if (existing.year !== year) moved.push({ path: '/serviceDate', message: `must stay in ${existing.year}` });
      if (moved.length > 0) throw Problem.conflict('a correction cannot move a claim to another person, region or year; reverse it and submit a new claim', moved);
      if (existing.latest_hash === contentHash(claim)) return false;
      const policy = await this.policies.latest(tx, claim.region, year);
      if (!policy) throw Problem.notPayable(`there is no basic policy for region ${claim.region} in ${year}`);
      await this.personYears.run(tx, personYearOf(claim), { type: 'CorrectClaim', data: { claim, policy: { revision: policy.revision, terms: policy.terms } }, metadata: { now } }, { correlationId });
      return true;
    });
    if (changed) this.runtime.relay.poke();
    const slip = await this.slips.status(claim.claimId);
    return { claimId: claim.claimId, version: slip?.version ?? 1, status: slip?.status ?? 'PENDING' };
  }
}
