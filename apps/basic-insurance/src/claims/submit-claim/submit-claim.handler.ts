import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ClaimIntake } from '../claim-intake.service';
import { ClaimAccepted, SubmitClaimCommand } from './submit-claim.command';

/**
 * 一站式结算 intake: a hospital submits a claim; basic decides it (and re-decides the rest of
 * the person-year) at once and hands the decision on to 大病 through the outbox. Repeating
 * the same claim is harmless; reusing its id for other content is a conflict; a region-year
 * without a basic policy cannot be paid (422).
 */
@CommandHandler(SubmitClaimCommand)
export class SubmitClaimHandler implements ICommandHandler<SubmitClaimCommand, ClaimAccepted> {
  constructor(private readonly intake: ClaimIntake) {}

  execute({ claim, hospital, correlationId, now }: SubmitClaimCommand): Promise<ClaimAccepted> {
    return this.intake.handle({ kind: 'submit', claim, hospital, correlationId, now });
  }
}
