import { Body, Controller, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { reversalSchema } from '@msb/contracts';
import { Caller, correlationIdFrom, CurrentCaller, idParam, Problem, validate } from '@msb/platform';
import type { Slip } from '../../slips/slip.view';
import { SlipSettledWaiter } from '../../slips/slip-settled.waiter';
import { answerAccepted } from '../prefer-wait';
import { ClaimAccepted } from '../submit-claim/submit-claim.command';
import { ReverseClaimCommand } from './reverse-claim.command';

@Controller()
export class ReverseClaimController {
  constructor(
    private readonly commands: CommandBus,
    private readonly waiter: SlipSettledWaiter,
  ) {}

  /** 202 once accepted; with Prefer: wait=N, 201 and the slip when it shows REVERSED within N seconds. */
  @Post('claims/:claimId/reversal')
  @HttpCode(202)
  async reverse(
    @Param('claimId') claimId: string,
    @Body() body: unknown,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Omit<ClaimAccepted, 'version'> | Slip> {
    const id = idParam('claimId', claimId);
    const { reason } = validate(reversalSchema, body ?? {});
    if (caller.hospital === undefined) throw Problem.forbidden('only a hospital reverses its claims');
    const correlationId = correlationIdFrom(headers);
    const accepted: ClaimAccepted = await this.commands.execute(
      new ReverseClaimCommand(id, reason ?? 'not stated', caller.hospital, correlationId, new Date()),
    );
    return answerAccepted(
      this.waiter,
      reply,
      { headers, caller, correlationId, action: 'POST /claims/:claimId/reversal' },
      { claimId: accepted.claimId, seen: accepted, goal: 'REVERSED', accepted: { claimId: accepted.claimId, status: accepted.status } },
    );
  }
}
