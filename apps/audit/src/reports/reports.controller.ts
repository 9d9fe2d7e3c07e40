import { Controller, Get, Param } from '@nestjs/common';
import { CsvReport, regionYearParams } from '@msb/platform';
import { AnalysisService } from '../analysis/analysis.service';
import { LoggedDecision, paymentsReport } from './payments-report.rules';
import { regionYearSummary } from './region-year-summary.rules';

/**
 * Reports of a region-year from audit's own log of the payers' decisions (never the payers'
 * payment records, which are theirs): JSON, or CSV with Accept: text/csv.
 */
@Controller()
export class ReportsController {
  constructor(private readonly analysis: AnalysisService) {}

  /** Payments per payer per month, settled and adjusted, and adjustments by reason (auditors). */
  @Get('reports/payments/:region/:year')
  @CsvReport()
  async payments(@Param('region') region: string, @Param('year') year: string) {
    const p = regionYearParams(region, year);
    const index = await this.analysis.index();
    return paymentsReport(p.region, p.year, index.decisions as readonly LoggedDecision[]);
  }

  /** The public summary: 筹资标准, 待遇水平, paid per payer, claims and person-years, settlement time. */
  @Get('reports/summary/:region/:year')
  @CsvReport()
  async summary(@Param('region') region: string, @Param('year') year: string) {
    const p = regionYearParams(region, year);
    return regionYearSummary(await this.analysis.index(), p.region, p.year);
  }
}
