import { Controller, Get, Param } from '@nestjs/common';
import { Caller, CsvReport, CurrentCaller, regionYearParams, requireRegion } from '@msb/platform';
import { FundReportView } from './fund-report.view';

/** The 大病 fund's account for a region-year (单独核算). */
@Controller()
export class FundReportController {
  constructor(private readonly view: FundReportView) {}

  @Get('reports/fund/:region/:year')
  @CsvReport()
  async report(@Param('region') region: string, @Param('year') year: string, @CurrentCaller() caller: Caller) {
    const p = regionYearParams(region, year);
    requireRegion(caller, p.region);
    return this.view.report(p.region, p.year);
  }
}
