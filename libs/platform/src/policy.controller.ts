import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Put, Type } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { z } from 'zod';
import { correlationIdFrom, expectedRevisionFrom, regionYearParams } from './http.params';
import { RUNTIME } from './ops.controller';
import type { PolicyStore, PutPolicyResult } from './policy.store';
import { Problem, validate } from './problem.details';
import type { ServiceRuntime } from './service.runtime';
import type { Caller } from './auth/principal';
import { CurrentCaller, requireRegion } from './auth/resource-access';

/** The payer's policy store and its recalculation, provided by each payer's module. */
export const POLICY_STORE = Symbol('PolicyStore');
export const POLICY_RECALCULATION = Symbol('PolicyRecalculation');

export class PutPolicyCommand {
  constructor(
    readonly region: string,
    readonly year: number,
    readonly policy: unknown,
    readonly expectedRevision: number | undefined,
    readonly correlationId: string,
    readonly now: Date,
  ) {}
}

/** Store a new revision of the payer's section; publish it; start recalculating the region-year. */
@CommandHandler(PutPolicyCommand)
export class PutPolicyHandler implements ICommandHandler<PutPolicyCommand, PutPolicyResult> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    @Inject(POLICY_STORE) private readonly policies: PolicyStore<unknown, unknown>,
    @Inject(POLICY_RECALCULATION) private readonly recalculation: { poke(): void },
  ) {}

  async execute(c: PutPolicyCommand): Promise<PutPolicyResult> {
    const result = await this.runtime.db.transaction((tx) =>
      this.policies.put(tx, {
        region: c.region,
        year: c.year,
        dto: c.policy,
        expectedRevision: c.expectedRevision,
        now: c.now,
        correlationId: c.correlationId,
      }),
    );
    if (result.created) {
      this.runtime.relay.poke();
      this.recalculation.poke();
    }
    return result;
  }
}

/**
 * PUT and GET /policies/{region}/{year} for one payer's section (`schema`). A PUT with the
 * same body as the latest revision is a no-op that answers the same revision; `If-Match`
 * with a revision number guards against overwriting a revision one has not seen (409).
 */
export function policyController(schema: z.ZodType, section: string): Type<unknown> {
  @Controller()
  class PolicyController {
    constructor(
      private readonly commands: CommandBus,
      @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
      @Inject(POLICY_STORE) private readonly policies: PolicyStore<unknown, unknown>,
    ) {}

    @Put('policies/:region/:year')
    @HttpCode(200)
    async put(
      @Param('region') region: string,
      @Param('year') year: string,
      @Body() body: unknown,
      @Headers() headers: Record<string, string | undefined>,
      @CurrentCaller() caller: Caller,
    ) {
      const params = regionYearParams(region, year);
      requireRegion(caller, params.region);
      const policy = validate(schema, body);
      const result: PutPolicyResult = await this.commands.execute(
        new PutPolicyCommand(params.region, params.year, policy, expectedRevisionFrom(headers), correlationIdFrom(headers), new Date()),
      );
      return { region: result.region, year: result.year, revision: result.revision };
    }

    @Get('policies/:region/:year')
    async get(@Param('region') region: string, @Param('year') year: string, @CurrentCaller() caller: Caller) {
      const params = regionYearParams(region, year);
      requireRegion(caller, params.region);
      const latest = await this.policies.latest(this.runtime.db, params.region, params.year);
      if (!latest) throw Problem.notFound(`no ${section} policy for region ${params.region} in ${params.year}`);
      return { region: latest.region, year: latest.year, revision: latest.revision, recordedAt: latest.recordedAt, policy: latest.dto };
    }
  }
  return PolicyController;
}

/** The payer's catalogue store (basic's 医保目录, 大病's admitted codes), provided by the payer's module. */
export const CATALOGUE_STORE = Symbol('CatalogueStore');

/**
 * PUT and GET /catalogue/{region}/{year}: the payer's catalogue of the region-year, revisioned
 * like its policy (`If-Match`, a repeat is a no-op); the latest revision rules the region-year
 * and a new one recalculates it.
 */
export function catalogueController(schema: z.ZodType, section: string): Type<unknown> {
  @Controller()
  class CatalogueController {
    constructor(
      @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
      @Inject(CATALOGUE_STORE) private readonly catalogues: PolicyStore<unknown, unknown>,
      @Inject(POLICY_RECALCULATION) private readonly recalculation: { poke(): void },
    ) {}

    @Put('catalogue/:region/:year')
    @HttpCode(200)
    async put(
      @Param('region') region: string,
      @Param('year') year: string,
      @Body() body: unknown,
      @Headers() headers: Record<string, string | undefined>,
      @CurrentCaller() caller: Caller,
    ) {
      const params = regionYearParams(region, year);
      requireRegion(caller, params.region);
      const catalogue = validate(schema, body);
      const expectedRevision = expectedRevisionFrom(headers);
      const result = await this.runtime.db.transaction((tx) =>
        this.catalogues.put(tx, {
          region: params.region,
          year: params.year,
          dto: catalogue,
          expectedRevision,
          now: new Date(),
          correlationId: correlationIdFrom(headers),
        }),
      );
      if (result.created) {
        this.runtime.relay.poke();
        this.recalculation.poke();
      }
      return { region: result.region, year: result.year, revision: result.revision };
    }

    @Get('catalogue/:region/:year')
    async get(@Param('region') region: string, @Param('year') year: string, @CurrentCaller() caller: Caller) {
      const params = regionYearParams(region, year);
      requireRegion(caller, params.region);
      const latest = await this.catalogues.latest(this.runtime.db, params.region, params.year);
      if (!latest) throw Problem.notFound(`no ${section} catalogue for region ${params.region} in ${params.year}`);
      return { region: latest.region, year: latest.year, revision: latest.revision, recordedAt: latest.recordedAt, catalogue: latest.dto };
    }
  }
  return CatalogueController;
}
