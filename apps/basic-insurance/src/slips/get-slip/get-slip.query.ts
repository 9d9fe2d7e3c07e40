import type { Caller } from '@msb/platform';

export class GetSlipQuery {
  constructor(
    readonly claimId: string,
    readonly caller: Caller,
    readonly correlationId: string,
  ) {}
}
