export class ReverseClaimCommand {
  constructor(
    readonly claimId: string,
    readonly reason: string,
    readonly correlationId: string,
    readonly now: Date,
  ) {}
}
