import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Res, Type } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { identifier } from '@msb/contracts';
import { z } from 'zod';
import type { RouteDoc } from './openapi.document';
import { RUNTIME } from './ops.controller';
import { Problem, validate, zodProblems } from './problem.details';
import type { ServiceRuntime } from './service.runtime';
import type { Caller, Role } from './auth/principal';
import { CurrentCaller } from './auth/resource-access';
import { wantsCsv } from './csv.report';
import {
  hospitalFiguresSchema,
  monthRange,
  PaymentSums,
  reconcile,
  Statement,
  statementCsv,
  statementMonth,
  statementOf,
} from './statement.rules';

const statementParams = z.object({ hospitalId: identifier, month: statementMonth });

function paramsOf(hospitalId: string, month: string): { hospitalId: string; month: string } {
  const parsed = statementParams.safeParse({ hospitalId, month });
  if (!parsed.success) throw Problem.invalid('The path parameters are not valid', zodProblems(parsed.error));
  return parsed.data;
}

/** A hospital reads and reconciles only its own statements; the payer's officers any hospital's. */
function requireStatementAccess(caller: Caller, hospitalId: string, officerRole: Role): void {
  if (caller.role === 'hospital' ? caller.hospital !== hospitalId : caller.role !== officerRole)
    throw Problem.forbidden(`the statement of hospital ${hospitalId} is not for ${caller.role} ${caller.hospital ?? caller.subject}`);
}

/** The month's payments to a hospital summed per claim from the payment record (SQL numeric, exact). */
async function statementFor(runtime: ServiceRuntime, payer: string, hospitalId: string, month: string): Promise<Statement> {
  const { from, to } = monthRange(month);
  const sums = await runtime.db.query<{ claim_id: string; settled: string; top_ups: string; claw_backs: string }>(
    `SELECT claim_id,
            coalesce(sum(amount) FILTER (WHERE kind = 'SETTLED'), 0)::text AS settled,
            coalesce(sum(amount) FILTER (WHERE kind = 'ADJUSTED' AND amount > 0), 0)::text AS top_ups,
            coalesce(sum(amount) FILTER (WHERE kind = 'ADJUSTED' AND amount < 0), 0)::text AS claw_backs
     FROM payments WHERE hospital_id = $1 AND at >= $2 AND at < $3
     GROUP BY claim_id`,
    [hospitalId, from, to],
  );
  const lines: PaymentSums[] = sums.map((r) => ({ claimId: r.claim_id, settled: r.settled, topUps: r.top_ups, clawBacks: r.claw_backs }));
  return statementOf(payer, hospitalId, month, lines);
}

/**
 * GET /statements/{hospitalId}/{YYYY-MM} and POST /reconciliations/{hospitalId}/{YYYY-MM}: what
 * the payer owes a hospital for the payments it decided in a month (对账单; as CSV with
 * `Accept: text/csv`), and the hospital's figures compared with it (对总账, 对明细账). A
 * reconciliation only answers; nothing is stored.
 */
export function statementController(payer: string, officerRole: Role): Type<unknown> {
  @Controller()
  class StatementController {
    constructor(@Inject(RUNTIME) private readonly runtime: ServiceRuntime) {}

    @Get('statements/:hospitalId/:month')
    async statement(
      @Param('hospitalId') hospitalId: string,
      @Param('month') month: string,
      @Headers('accept') accept: string | undefined,
      @CurrentCaller() caller: Caller,
      @Res({ passthrough: true }) reply: FastifyReply,
    ): Promise<Statement | string> {
      const params = paramsOf(hospitalId, month);
      requireStatementAccess(caller, params.hospitalId, officerRole);
      const statement = await statementFor(this.runtime, payer, params.hospitalId, params.month);
      if (!wantsCsv(accept)) return statement;
      void reply.header('content-type', 'text/csv; charset=utf-8');
      return statementCsv(statement);
    }

    @Post('reconciliations/:hospitalId/:month')
    @HttpCode(200)
    async reconcile(
      @Param('hospitalId') hospitalId: string,
      @Param('month') month: string,
      @Body() body: unknown,
      @CurrentCaller() caller: Caller,
    ) {
      const params = paramsOf(hospitalId, month);
      requireStatementAccess(caller, params.hospitalId, officerRole);
      const figures = validate(hospitalFiguresSchema, body);
      return reconcile(await statementFor(this.runtime, payer, params.hospitalId, params.month), figures);
    }
  }
  return StatementController;
}

/** The two routes as each payer declares them (routes.ts): the hospital itself and the payer's officers. */
export function statementRoutes(payerTitle: string, officerRole: Role): RouteDoc[] {
  return [
    {
      method: 'get',
      path: '/statements/:hospitalId/:month',
      summary: `What ${payerTitle} owes the hospital for the payments it decided in the month (UTC, YYYY-MM): settled, 补付, 追回 and net per claim; CSV lines with Accept: text/csv`,
      roles: ['hospital', officerRole],
      responses: {
        200: '{ hospitalId, month, payer, claims, settled, topUps, clawBacks, net, lines: [{ claimId, settled, topUps, clawBacks, net }] }',
        400: 'invalid hospital id or month',
        403: "another hospital's",
      },
    },
    {
      method: 'post',
      path: '/reconciliations/:hospitalId/:month',
      summary: `The hospital's figures of the month against ${payerTitle}'s statement (对总账, 对明细账); nothing is stored`,
      roles: ['hospital', officerRole],
      body: hospitalFiguresSchema,
      responses: {
        200: '{ matched, totals: { field: { ours, theirs } }, lines: [{ claimId, ours, theirs }] }',
        400: 'invalid figures (every problem listed)',
        403: "another hospital's",
      },
    },
  ];
}
