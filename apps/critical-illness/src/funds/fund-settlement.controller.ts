import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { fundSettlementRequestSchema } from '@msb/contracts';
import {
  Caller,
  correlationIdFrom,
  CurrentCaller,
  paymentsAfter,
  Problem,
  regionYearParams,
  requireRegion,
  RUNTIME,
  ServiceRuntime,
  validate,
} from '@msb/platform';
import { FundSettlements } from './fund-settlement.store';
import { SettleFundCommand } from './settle-fund.command';
import type { SettleFundResult } from './settle-fund.handler';

/**
 * POST /settlements/{region}/{year} closes the 大病 fund's year (年度清算): 201 and the new
 * revision, or 200 and the latest when nothing changed since; 422 without a contract. GET shows
 * the latest revision, the payments recorded after it (post-close adjustments) and every revision.
 */
@Controller()
export class FundSettlementController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly settlements: FundSettlements,
  ) {}

  @Post('settlements/:region/:year')
  @HttpCode(201)
  async settle(
    @Param('region') region: string,
    @Param('year') year: string,
    @Body() body: unknown,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const params = regionYearParams(region, year);
    requireRegion(caller, params.region);
    // no body: a close without a declared policy loss
    const request = validate(fundSettlementRequestSchema, body ?? {});
    const result: SettleFundResult = await this.commands.execute(
      new SettleFundCommand(params.region, params.year, request.policyLoss, correlationIdFrom(headers), new Date()),
    );
    if (!result.created) void reply.status(200);
    return result.record.settlement;
  }

  @Get('settlements/:region/:year')
  async get(@Param('region') region: string, @Param('year') year: string, @CurrentCaller() caller: Caller) {
    const params = regionYearParams(region, year);
    requireRegion(caller, params.region);
    const history = await this.settlements.history(this.runtime.db, params.region, params.year);
    const [latest] = history;
    if (!latest) throw Problem.notFound(`the 大病 fund of region ${params.region} has not been settled for ${params.year}`);
    return {
      ...latest.settlement,
      postCloseAdjustments: await paymentsAfter(this.runtime.db, params.region, params.year, latest.paymentsThrough),
      history: history.map((h) => h.settlement),
    };
  }
}
