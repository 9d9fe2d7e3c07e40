import { Controller, Get, Query } from '@nestjs/common';
import { Problem } from '@msb/platform';
import { AnalysisService } from '../analysis/analysis.service';
import { FRAUD_RULES, INTEGRITY_RULES, RuleCode } from './flag.rules';

const RULES: readonly string[] = [...FRAUD_RULES, ...INTEGRITY_RULES];

@Controller()
export class FlagsController {
  constructor(private readonly analysis: AnalysisService) {}

  /** Fraud and integrity flags, each with its rule code and the events that triggered it. */
  @Get('flags')
  async flags(@Query('type') type?: string) {
    if (type !== undefined && !RULES.includes(type)) {
      throw Problem.invalid('Unknown flag type', [{ path: '/query/type', message: `must be one of ${RULES.join(', ')}` }]);
    }
    const all = await this.analysis.flags();
    const flags = type ? all.filter((f) => f.type === (type as RuleCode)) : all;
    const counts: Record<string, number> = {};
    for (const f of all) counts[f.type] = (counts[f.type] ?? 0) + 1;
    return { thresholds: this.analysis.thresholds, counts, flags };
  }
}
