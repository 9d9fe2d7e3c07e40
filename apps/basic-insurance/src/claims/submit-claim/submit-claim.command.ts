import type { ClaimDto } from '@msb/contracts';

export class SubmitClaimCommand {
  constructor(
    readonly claim: ClaimDto,
    /** The calling hospital (its token's `hospital` claim). */
    readonly hospital: string,
    readonly correlationId: string,
    readonly now: Date,
  ) {}
}

export interface ClaimAccepted {
  claimId: string;
  version: number;
  status: 'PENDING' | 'SETTLED' | 'REVERSED';
}
