export class GetSlipQuery {
  constructor(readonly claimId: string) {}
}
