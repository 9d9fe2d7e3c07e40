import type { PolicyLossDto } from '@msb/contracts';

/** Close the 大病 fund's year of a region (年度清算), with the figures as of `now`. */
export class SettleFundCommand {
  constructor(
    readonly region: string,
    readonly year: number,
    /** A loss declared as caused by basic-policy changes (政策性亏损), if any. */
    readonly policyLoss: PolicyLossDto | undefined,
    readonly correlationId: string,
    readonly now: Date,
  ) {}
}
