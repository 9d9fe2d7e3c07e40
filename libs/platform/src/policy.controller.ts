import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Put, Type } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { z } from 'zod';
import { correlationIdFrom, expectedRevisionFrom, regionYearParams } from './http.params';
import { RUNTIME } from './ops.controller';
import type { PolicyStore, PutPolicyResult, RevisionKind } from './policy.store';
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

type RevisionInput<Dto> = Parameters<PolicyStore<Dto, unknown>['put']>[1];

/**
 * Store a new revision (of a policy section, a catalogue or a fund contract) in its own
 * transaction; when it is new, wake the relay that publishes it and the recalculation of the
 * region-year (none for a kind that recalculates nothing).
 */
export async function putRevision<Dto>(
  runtime: ServiceRuntime,
  store: PolicyStore<Dto, unknown>,
  recalculation: { poke(): void } | undefined,
  input: RevisionInput<Dto>,
): Promise<PutPolicyResult> {
  const result = await runtime.db.transaction((tx) => store.put(tx, input));
  if (result.created) {
    runtime.relay.poke();
    recalculation?.poke();
  }
  return result;
}

/** The latest revision of a region-year as GET shows it, under `field` (`policy`, `catalogue`, `contract`); 404 when there is none. */
export async function latestShown<Dto>(
  runtime: ServiceRuntime,
  store: PolicyStore<Dto, unknown>,
  params: { region: string; year: number },
  missing: string,
  field: RevisionKind,
) {
  const latest = await store.latest(runtime.db, params.region, params.year);
  if (!latest) throw Problem.notFound(`no ${missing} for region ${params.region} in ${params.year}`);
  return { region: latest.region, year: latest.year, revision: latest.revision, recordedAt: latest.recordedAt, [field]: latest.dto };
}

/** Store a new revision of the payer's section; publish it; start recalculating the region-year. */
@CommandHandler(PutPolicyCommand)
export class PutPolicyHandler implements ICommandHandler<PutPolicyCommand, PutPolicyResult> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    @Inject(POLICY_STORE) private readonly policies: PolicyStore<unknown, unknown>,
    @Inject(POLICY_RECALCULATION) private readonly recalculation: { poke(): void },
  ) {}

  execute(c: PutPolicyCommand): Promise<PutPolicyResult> {
    return putRevision(this.runtime, this.policies, this.recalculation, {
      region: c.region,
      year: c.year,
      dto: c.policy,
      expectedRevision: c.expectedRevision,
      now: c.now,
      correlationId: c.correlationId,
    });
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
      return latestShown(this.runtime, this.policies, params, `${section} policy`, 'policy');
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
      const result = await putRevision(this.runtime, this.catalogues, this.recalculation, {
        region: params.region,
        year: params.year,
        dto: catalogue,
        expectedRevision: expectedRevisionFrom(headers),
        now: new Date(),
        correlationId: correlationIdFrom(headers),
      });
      return { region: result.region, year: result.year, revision: result.revision };
    }

    @Get('catalogue/:region/:year')
    async get(@Param('region') region: string, @Param('year') year: string, @CurrentCaller() caller: Caller) {
      const params = regionYearParams(region, year);
      requireRegion(caller, params.region);
      return latestShown(this.runtime, this.catalogues, params, `${section} catalogue`, 'catalogue');
    }
  }
  return CatalogueController;
}
