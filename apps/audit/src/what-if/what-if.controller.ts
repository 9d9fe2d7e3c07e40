import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { WhatIfAnswerDto, whatIfRequestSchema } from '@msb/contracts';
import { Caller, correlationIdFrom, CurrentCaller, Problem, requireRegion, validate } from '@msb/platform';
import { WhatIfQuery } from './what-if.query';
import { refusedSections, sectionsFor } from './what-if.rules';

@Controller()
export class WhatIfController {
  constructor(private readonly queries: QueryBus) {}

  /**
   * POST /what-ifs: a region-year replayed with drafts of its policy sections (精准测算). An officer
   * drafts only its own agency's section (another: 403) in its own regions (403); a body that is
   * not valid is a 400 listing every problem. Nothing is stored or published.
   */
  @Post('what-ifs')
  @HttpCode(200)
  whatIf(
    @Body() body: unknown,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentCaller() caller: Caller,
  ): Promise<WhatIfAnswerDto> {
    const refused = refusedSections(caller.role, body);
    if (refused.length > 0)
      throw Problem.forbidden(
        `${caller.role} may draft ${sectionsFor(caller.role).join(', ') || 'no section'}, not ${refused.join(', ')}: each section is its agency's`,
      );
    const request = validate(whatIfRequestSchema, body);
    requireRegion(caller, request.region);
    return this.queries.execute(new WhatIfQuery(request, caller, correlationIdFrom(headers)));
  }
}
