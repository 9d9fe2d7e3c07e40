import type { WhatIfRequestDto } from '@msb/contracts';
import type { Caller } from '@msb/platform';

/** Replay a region-year with drafts of its policy sections (nothing is stored or published). */
export class WhatIfQuery {
  constructor(
    readonly request: WhatIfRequestDto,
    readonly caller: Caller,
    readonly correlationId: string,
  ) {}
}
