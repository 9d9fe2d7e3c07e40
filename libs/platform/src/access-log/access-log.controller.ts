import { Controller, Get, Inject, Query } from '@nestjs/common';
import { identifier } from '@msb/contracts';
import { RUNTIME } from '../ops.controller';
import { pageRequest } from '../page.cursor';
import { zodProblems } from '../problem.details';
import type { ServiceRuntime } from '../service.runtime';
import { accessLogKey, accessLogPage } from './access-log.store';

/**
 * GET /access-log?personId=: who read a person's data on this service (auditors), oldest first,
 * a page at a time (`limit`, default 50; `cursor` from the previous page's `nextCursor`).
 */
@Controller()
export class AccessLogController {
  constructor(@Inject(RUNTIME) private readonly runtime: ServiceRuntime) {}

  @Get('access-log')
  async list(@Query() query: Record<string, unknown>) {
    const parsed = identifier.safeParse(query.personId);
    const problems = parsed.success ? [] : zodProblems(parsed.error).map((p) => ({ ...p, path: '/query/personId' }));
    const page = pageRequest(query, accessLogKey, problems);
    const personId = parsed.data!;
    const { items, nextCursor } = await accessLogPage(this.runtime.db, personId, page);
    return { personId, entries: items, nextCursor };
  }
}
