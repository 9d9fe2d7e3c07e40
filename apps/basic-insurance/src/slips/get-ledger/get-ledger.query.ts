export class GetLedgerQuery {
  constructor(
    readonly region: string,
    readonly personId: string,
    readonly year: number,
  ) {}
}
