import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ClaimIntake } from '../claim-intake.service';
import { ClaimAccepted } from '../submit-claim/submit-claim.command';
import { CorrectClaimCommand } from './correct-claim.command';

/**
 * A corrected bill replaces the claim's content as a new version; the whole person-year is
 * recomputed and every payer adjusts. A correction may not move the claim to another person,
 * region or year (that is a reversal and a new claim); the same correction twice is one.
 */
@CommandHandler(CorrectClaimCommand)
export class CorrectClaimHandler implements ICommandHandler<CorrectClaimCommand, ClaimAccepted> {
  constructor(private readonly intake: ClaimIntake) {}

  execute({ claim, hospital, correlationId, now }: CorrectClaimCommand): Promise<ClaimAccepted> {
    return this.intake.handle({ kind: 'correct', claim, hospital, correlationId, now });
  }
}
