import { Controller, Get, Inject, Query } from '@nestjs/common';
import { identifier } from '@msb/contracts';
import { RUNTIME } from '../ops.controller';
import { Problem, zodProblems } from '../problem.details';
import type { ServiceRuntime } from '../service.runtime';
import { accessLogOf } from './access-log.store';

/** GET /access-log?personId=: who read a person's data on this service (auditors). */
@Controller()
export class AccessLogController {
  constructor(@Inject(RUNTIME) private readonly runtime: ServiceRuntime) {}

  @Get('access-log')
  async list(@Query('personId') personId: string | undefined) {
    const parsed = identifier.safeParse(personId);
    if (!parsed.success)
      throw Problem.invalid(
        'personId is required',
        zodProblems(parsed.error).map((p) => ({ ...p, path: '/query/personId' })),
      );
    return { personId: parsed.data, entries: await accessLogOf(this.runtime.db, parsed.data) };
  }
}
