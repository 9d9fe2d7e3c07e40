import type { Caller } from '@msb/platform';
import type { ClaimSearch } from './claim-search.params';

export class SearchClaimsQuery {
  constructor(
    readonly search: ClaimSearch,
    readonly caller: Caller,
    readonly correlationId: string,
  ) {}
}
