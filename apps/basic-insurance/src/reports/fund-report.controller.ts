import { Controller, Get, Param } from '@nestjs/common';
import { Caller, CsvReport, CurrentCaller, regionYearParams, requireRegion } from '@msb/platform';
import { BasicFundReportView } from './fund-report.view';

/** The basic fund's account of a region-year, with what the 大病 fund's year-end settlement booked. */
@Controller()
export class BasicFundReportController {
  constructor(private readonly view: BasicFundReportView) {}

  @Get('reports/fund/:region/:year')
  @CsvReport()
  async report(@Param('region') region: string, @Param('year') year: string, @CurrentCaller() caller: Caller) {
    const p = regionYearParams(region, year);
    requireRegion(caller, p.region);
    return this.view.report(p.region, p.year);
  }
}
