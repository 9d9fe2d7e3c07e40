import { Controller, Get, Headers, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Caller, correlationIdFrom, CsvReport, CurrentCaller, Problem, zodProblems } from '@msb/platform';
import { claimSearchSchema } from './claim-search.params';
import type { ClaimListed } from './claim-search.view';
import { SearchClaimsQuery } from './search-claims.query';

@Controller()
export class SearchClaimsController {
  constructor(private readonly queries: QueryBus) {}

  /** The claims search: `{ items, nextCursor }` (null at the end); with Accept: text/csv one row per claim. */
  @Get('claims')
  @CsvReport()
  search(
    @Query() query: unknown,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentCaller() caller: Caller,
  ): Promise<{ items: ClaimListed[]; nextCursor: string | null }> {
    const parsed = claimSearchSchema.safeParse(query ?? {});
    if (!parsed.success) {
      const errors = zodProblems(parsed.error).map((p) => ({ ...p, path: `/query${p.path === '/' ? '' : p.path}` }));
      throw Problem.invalid(`The query has ${errors.length} problem${errors.length === 1 ? '' : 's'}`, errors);
    }
    return this.queries.execute(new SearchClaimsQuery(parsed.data, caller, correlationIdFrom(headers)));
  }
}
