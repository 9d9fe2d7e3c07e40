import { Controller, Get, Inject, Param } from '@nestjs/common';
import { Problem, regionYearParams, RUNTIME, ServiceRuntime } from '@msb/platform';
import { BasicPolicies } from '../basic-policies';

@Controller()
export class GetBasicPolicyController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly policies: BasicPolicies,
  ) {}

  /** The latest revision of the basic section, with its revision number. */
  @Get('policies/:region/:year')
  async get(@Param('region') region: string, @Param('year') year: string) {
    const params = regionYearParams(region, year);
    const latest = await this.policies.latest(this.runtime.db, params.region, params.year);
    if (!latest) throw Problem.notFound(`no basic policy for region ${params.region} in ${params.year}`);
    return { region: latest.region, year: latest.year, revision: latest.revision, recordedAt: latest.recordedAt, policy: latest.dto };
  }
}
