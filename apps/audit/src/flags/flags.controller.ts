import { Controller, Get, Query } from '@nestjs/common';
import { FieldProblem, pageOfSorted, pageRequest } from '@msb/platform';
import { AnalysisService } from '../analysis/analysis.service';
import { compareFlagKeys, flagKeySchema, orderedFlags, RULE_ORDER } from './flag-order.rules';

/** Fraud and integrity flags, each with its rule code and the events that triggered it, a page at a time. */
@Controller()
export class FlagsController {
  constructor(private readonly analysis: AnalysisService) {}

  @Get('flags')
  async flags(@Query() query: Record<string, unknown>) {
    const { type } = query;
    const problems: FieldProblem[] = [];
    if (type !== undefined && !(typeof type === 'string' && (RULE_ORDER as readonly string[]).includes(type)))
      problems.push({ path: '/query/type', message: `must be one of ${RULE_ORDER.join(', ')}` });
    const page = pageRequest(query, flagKeySchema, problems);
    const all = orderedFlags(await this.analysis.flags());
    // the counts are of every flag, whatever the type asked and the page
    const counts: Record<string, number> = {};
    for (const { flag } of all) counts[flag.type] = (counts[flag.type] ?? 0) + 1;
    const listed = type === undefined ? all : all.filter((x) => x.flag.type === type);
    const { items, nextCursor } = pageOfSorted(listed, page, (x) => x.key, compareFlagKeys);
    return { thresholds: this.analysis.thresholds, counts, flags: items.map((x) => x.flag), nextCursor };
  }
}
