import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { validateClaim } from '../claim-request.validation';
import { Caller, correlationIdFrom, CurrentCaller, requireOwnHospital } from '@msb/platform';
import type { Slip } from '../../slips/slip.view';
import { SlipSettledWaiter } from '../../slips/slip-settled.waiter';
import { answerAccepted } from '../prefer-wait';
import { ClaimAccepted, SubmitClaimCommand } from './submit-claim.command';

@Controller()
export class SubmitClaimController {
  constructor(
    private readonly commands: CommandBus,
    private readonly waiter: SlipSettledWaiter,
  ) {}

  /** 202 once accepted; with Prefer: wait=N, 201 and the slip when it is SETTLED within N seconds (prefer-wait.ts). */
  @Post('claims')
  @HttpCode(202)
  async submit(
    @Body() body: unknown,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Omit<ClaimAccepted, 'version'> | Slip> {
    const claim = validateClaim(body);
    requireOwnHospital(caller, claim.hospital.id, `claim ${claim.claimId}`);
    const correlationId = correlationIdFrom(headers);
    const accepted: ClaimAccepted = await this.commands.execute(
      new SubmitClaimCommand(claim, claim.hospital.id, correlationId, new Date()),
    );
    return answerAccepted(
      this.waiter,
      reply,
      { headers, caller, correlationId, action: 'POST /claims' },
      { claimId: accepted.claimId, seen: accepted, goal: 'SETTLED', accepted: { claimId: accepted.claimId, status: accepted.status } },
    );
  }
}
