import { Controller, HttpCode, Post } from '@nestjs/common';
import { AnalysisService, ReplayReport } from '../analysis/analysis.service';

@Controller()
export class ReplayController {
  constructor(private readonly analysis: AnalysisService) {}

  /**
   * Re-derive every decision from the recorded facts with today's rules and list every
   * difference from what was recorded. Reads only: nothing is published.
   */
  @Post('replays')
  @HttpCode(200)
  replay(): Promise<ReplayReport> {
    return this.analysis.replay();
  }
}
