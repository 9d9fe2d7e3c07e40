import type { BasicPolicyDto } from '@msb/contracts';

export class PutBasicPolicyCommand {
  constructor(
    readonly region: string,
    readonly year: number,
    readonly policy: BasicPolicyDto,
    readonly expectedRevision: number | undefined,
    readonly correlationId: string,
    readonly now: Date,
  ) {}
}
