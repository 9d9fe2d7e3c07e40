import type { ClaimDto } from '@msb/contracts';

export class CorrectClaimCommand {
  constructor(
    readonly claim: ClaimDto,
    /** The calling hospital (its token's `hospital` claim). */
    readonly hospital: string,
    readonly correlationId: string,
    readonly now: Date,
  ) {}
}
