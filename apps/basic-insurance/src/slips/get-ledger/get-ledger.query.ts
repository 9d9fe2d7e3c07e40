import type { Caller } from '@msb/platform';

export class GetLedgerQuery {
  constructor(
    readonly region: string,
    readonly personId: string,
    readonly year: number,
    readonly caller: Caller,
    readonly correlationId: string,
  ) {}
}
