export class ReverseClaimCommand {
  constructor(
    readonly claimId: string,
    readonly reason: string,
    /** The calling hospital (its token's `hospital` claim). */
    readonly hospital: string,
    readonly correlationId: string,
    readonly now: Date,
  ) {}
}
