import type { ClaimDto } from '@msb/contracts';

export class CorrectClaimCommand {
  constructor(
    readonly claim: ClaimDto,
    readonly correlationId: string,
    readonly now: Date,
  ) {}
}
