import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { grantAmendmentSchema, grantRequestSchema, identifier, isoDate, revocationSchema } from '@msb/contracts';
import {
  Caller,
  correlationIdFrom,
  CurrentCaller,
  expectedRevisionFrom,
  FieldProblem,
  idParam,
  Problem,
  recordAccess,
  RUNTIME,
  ServiceRuntime,
  validate,
  zodProblems,
} from '@msb/platform';
import { Grants, Parsed } from './grants.service';

/** A body parsed without throwing: its shape's problems are listed with those against the grant it names. */
function parsed<S extends z.ZodType>(schema: S, body: unknown): Parsed<z.infer<S>> {
  const result = schema.safeParse(body ?? {});
  return result.success ? { ok: true, value: result.data, problems: [] } : { ok: false, problems: zodProblems(result.error) };
}

/** One date field of the body, when it is a date at all: what is checked against the grant even when another field is wrong. */
function dateField(body: unknown, field: string): string | undefined {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined;
  const date = isoDate.safeParse(value);
  return date.success ? date.data : undefined;
}

/** If-Match as a revision, or its problem among the others. */
function ifMatch(headers: Record<string, string | undefined>): { expected?: number; problems: FieldProblem[] } {
  try {
    return { expected: expectedRevisionFrom(headers), problems: [] };
  } catch (e) {
    if (e instanceof Problem) return { problems: e.body.errors ?? [] };
    throw e;
  }
}

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

  /** `{ reason?, effectiveFrom? }`: from a date the grant ends the day before; without one it is void from its start. */
  @Post('eligibility/:grantId/revocation')
  @HttpCode(200)
  async revoke(@Param('grantId') grantId: string, @Body() body: unknown, @Headers() headers: Record<string, string | undefined>) {
    const id = idParam('grantId', grantId);
    const request = parsed(revocationSchema, body);
    const withReason: Parsed<{ reason: string; effectiveFrom?: string }> = request.ok
      ? { ...request, value: { ...request.value, reason: request.value.reason ?? 'not stated' } }
      : request;
    const grant = await this.runtime.db.transaction((tx) =>
      this.grants.revoke(tx, id, withReason, dateField(body, 'effectiveFrom'), new Date(), correlationIdFrom(headers)),
    );
    this.runtime.relay.poke();
    return grant;
  }

  /** `{ validTo?, category? }` (at least one), If-Match optional: the grant's next revision; the payers recalculate. */
  @Patch('eligibility/:grantId')
  @HttpCode(200)
  async amend(@Param('grantId') grantId: string, @Body() body: unknown, @Headers() headers: Record<string, string | undefined>) {
    const id = idParam('grantId', grantId);
    const request = parsed(grantAmendmentSchema, body);
    const revision = ifMatch(headers);
    const checked: Parsed<z.infer<typeof grantAmendmentSchema>> =
      revision.problems.length === 0 ? request : { ok: false, problems: [...request.problems, ...revision.problems] };
    const { grant, changed } = await this.runtime.db.transaction((tx) =>
      this.grants.amend(tx, id, checked, dateField(body, 'validTo'), revision.expected, new Date(), correlationIdFrom(headers)),
    );
    if (changed) this.runtime.relay.poke();
    return grant;
  }

  @Get('eligibility')
  async list(
    @Query('personId') personId: string | undefined,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentCaller() caller: Caller,
  ) {
    const parsedId = identifier.safeParse(personId);
    if (!parsedId.success)
      throw Problem.invalid(
        'personId is required',
        zodProblems(parsedId.error).map((p) => ({ ...p, path: '/query/personId' })),
      );
    const grants = await this.grants.forPerson(this.runtime.db, parsedId.data);
    await recordAccess(this.runtime.db, caller, {
      action: 'GET /eligibility',
      resource: `grants:${parsedId.data}`,
      personId: parsedId.data,
      correlationId: correlationIdFrom(headers),
    });
    return { personId: parsedId.data, grants };
  }
}
