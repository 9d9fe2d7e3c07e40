import { Controller, Get, Inject, Query } from '@nestjs/common';
import { identifier } from '@msb/contracts';
import { RUNTIME } from '../ops.controller';
import { PAGE_LIMITS, pageRequest } from '../page.cursor';
import { zodProblems } from '../problem.details';
import type { ServiceRuntime } from '../service.runtime';
import { accessLogKey, accessLogPage } from './access-log.store';

/** Its callers had the whole list before pages: without a `limit` a page holds as many as any may (500). */
const ACCESS_LOG_LIMITS = { defaultLimit: PAGE_LIMITS.maxLimit, maxLimit: PAGE_LIMITS.maxLimit };

/**
 * GET /access-log?personId=: who read a person's data on this service (auditors), oldest first,
 * a page at a time (`cursor` from the previous page's `nextCursor`); what a caller without a
 * cursor reads stays what it was for every person read fewer than 500 times.
 */

@Controller()
export class AccessLogController {
  constructor(@Inject(RUNTIME) private readonly runtime: ServiceRuntime) {}

  @Get('access-log')
  async list(@Query() query: Record<string, unknown>) {
    const parsed = identifier.safeParse(query.personId);
    const problems = parsed.success ? [] : zodProblems(parsed.error).map((p) => ({ ...p, path: '/query/personId' }));
    const page = pageRequest(query, accessLogKey, problems, ACCESS_LOG_LIMITS);
    const personId = parsed.data!;
    const { items, nextCursor } = await accessLogPage(this.runtime.db, personId, page);
    return { personId, entries: items, nextCursor };
  }
}
