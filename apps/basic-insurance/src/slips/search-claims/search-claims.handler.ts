import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Problem, recordAccesses, RUNTIME, ServiceRuntime } from '@msb/platform';
import { DEFAULT_LIMIT, searchScope } from './claim-search.params';
import { ClaimListed, ClaimSearchView } from './claim-search.view';
import { SearchClaimsQuery } from './search-claims.query';

/**
 * A hospital lists its own claims (another hospital's: 403), a basic officer those of its
 * regions. Every claim shown is recorded in the access log first, as a slip read is.
 */
@QueryHandler(SearchClaimsQuery)
export class SearchClaimsHandler implements IQueryHandler<SearchClaimsQuery, { items: ClaimListed[]; nextCursor: string | null }> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly view: ClaimSearchView,
  ) {}

  async execute({ search, caller, correlationId }: SearchClaimsQuery) {
    const scoped = searchScope(caller, search.hospitalId);
    if (!scoped.ok) throw Problem.forbidden(scoped.reason);
    const result = await this.view.search(scoped.scope, search, search.limit ?? DEFAULT_LIMIT);
    await recordAccesses(
      this.runtime.db,
      caller,
      result.items.map((c) => ({ action: 'GET /claims', resource: `claim:${c.claimId}`, personId: c.personId, correlationId })),
    );
    return result;
  }
}
