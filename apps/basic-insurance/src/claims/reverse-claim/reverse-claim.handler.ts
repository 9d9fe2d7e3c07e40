import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ClaimIntake } from '../claim-intake.service';
import { ClaimAccepted } from '../submit-claim/submit-claim.command';
import { ReverseClaimCommand } from './reverse-claim.command';

/** 冲销: the claim pays nothing from any payer; the rest of the year is recomputed. Twice is a conflict. */
@CommandHandler(ReverseClaimCommand)
export class ReverseClaimHandler implements ICommandHandler<ReverseClaimCommand, ClaimAccepted> {
  constructor(private readonly intake: ClaimIntake) {}

  execute({ claimId, reason, hospital, correlationId, now }: ReverseClaimCommand): Promise<ClaimAccepted> {
    return this.intake.handle({ kind: 'reverse', claimId, reason, hospital, correlationId, now });
  }
}
