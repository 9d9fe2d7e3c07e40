import type { ClaimDto } from '@msb/contracts';

export class SubmitClaimCommand {
  constructor(
    readonly claim: ClaimDto,
    readonly correlationId: string,
    readonly now: Date,
  ) {}
}

export interface ClaimAccepted {
  claimId: string;
  version: number;
  status: 'PENDING' | 'SETTLED' | 'REVERSED';
}
