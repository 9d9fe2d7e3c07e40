import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { grantRequestSchema, identifier, revocationSchema } from '@msb/contracts';
import {
  Caller,
  correlationIdFrom,
  CurrentCaller,
  idParam,
  Problem,
  recordAccess,
  RUNTIME,
  ServiceRuntime,
  validate,
  zodProblems,
} from '@msb/platform';
import { Grants } from './grants.service';

/** Civil affairs records who is eligible for assistance (and, through 大病's tilt, for more 大病). */
@Controller()
export class EligibilityController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly grants: Grants,
  ) {}

  @Post('eligibility')
  @HttpCode(201)
  async grant(@Body() body: unknown, @Headers() headers: Record<string, string | undefined>) {
    const request = validate(grantRequestSchema, body);
    const { grant, created } = await this.runtime.db.transaction((tx) =>
      this.grants.grant(tx, request, new Date(), correlationIdFrom(headers)),
    );
    if (created) this.runtime.relay.poke();
    return grant;
  }

  @Post('eligibility/:grantId/revocation')
  @HttpCode(200)
  async revoke(@Param('grantId') grantId: string, @Body() body: unknown, @Headers() headers: Record<string, string | undefined>) {
    const id = idParam('grantId', grantId);
    const { reason } = validate(revocationSchema, body ?? {});
    const grant = await this.runtime.db.transaction((tx) =>
      this.grants.revoke(tx, id, reason ?? 'not stated', new Date(), correlationIdFrom(headers)),
    );
    this.runtime.relay.poke();
    return grant;
  }

  @Get('eligibility')
  async list(
    @Query('personId') personId: string | undefined,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentCaller() caller: Caller,
  ) {
    const parsed = identifier.safeParse(personId);
    if (!parsed.success)
      throw Problem.invalid(
        'personId is required',
        zodProblems(parsed.error).map((p) => ({ ...p, path: '/query/personId' })),
      );
    const grants = await this.grants.forPerson(this.runtime.db, parsed.data);
    await recordAccess(this.runtime.db, caller, {
      action: 'GET /eligibility',
      resource: `grants:${parsed.data}`,
      personId: parsed.data,
      correlationId: correlationIdFrom(headers),
    });
    return { personId: parsed.data, grants };
  }
}
