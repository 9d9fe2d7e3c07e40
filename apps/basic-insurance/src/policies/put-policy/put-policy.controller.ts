import { Body, Controller, Headers, HttpCode, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { basicPolicySchema } from '@msb/contracts';
import { correlationIdFrom, expectedRevisionFrom, PutPolicyResult, regionYearParams, validate } from '@msb/platform';
import { PutBasicPolicyCommand } from './put-policy.command';

@Controller()
export class PutBasicPolicyController {
  constructor(private readonly commands: CommandBus) {}

  /** A new revision of the basic section of a region-year's policy (idempotent for the same body). */
  @Put('policies/:region/:year')
  @HttpCode(200)
  async put(
    @Param('region') region: string,
    @Param('year') year: string,
    @Body() body: unknown,
    @Headers() headers: Record<string, string | undefined>,
  ): Promise<Omit<PutPolicyResult, 'created'>> {
    const params = regionYearParams(region, year);
    const policy = validate(basicPolicySchema, body);
    const { created: _created, ...result } = await this.commands.execute(
      new PutBasicPolicyCommand(params.region, params.year, policy, expectedRevisionFrom(headers), correlationIdFrom(headers), new Date()),
    );
    return result;
  }
}
