import { Controller, Get, Param } from '@nestjs/common';
import { Caller, CsvReport, CurrentCaller, regionYearParams, requireRegion } from '@msb/platform';
import { AssistanceReportView } from './assistance-report.view';

/** Assistance by category for a region-year: aggregates only, no person; JSON, or one CSV row per category. */
@Controller()
export class AssistanceReportController {
  constructor(private readonly view: AssistanceReportView) {}

  @Get('reports/assistance/:region/:year')
  @CsvReport()
  async report(@Param('region') region: string, @Param('year') year: string, @CurrentCaller() caller: Caller) {
    const p = regionYearParams(region, year);
    requireRegion(caller, p.region);
    return this.view.report(p.region, p.year);
  }
}
