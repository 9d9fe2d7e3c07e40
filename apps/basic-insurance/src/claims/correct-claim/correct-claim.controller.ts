import { Body, Controller, Headers, HttpCode, Param, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { validateClaim } from '../claim-request.validation';
import { Caller, correlationIdFrom, CurrentCaller, idParam, Problem, requireOwnHospital } from '@msb/platform';
import type { Slip } from '../../slips/slip.view';
import { SlipSettledWaiter } from '../../slips/slip-settled.waiter';
import { answerAccepted } from '../prefer-wait';
import { ClaimAccepted } from '../submit-claim/submit-claim.command';
import { CorrectClaimCommand } from './correct-claim.command';

@Controller()
export class CorrectClaimController {
  constructor(
    private readonly commands: CommandBus,
    private readonly waiter: SlipSettledWaiter,
  ) {}

  /** 202 once accepted; with Prefer: wait=N, 201 and the slip when the new version is SETTLED within N seconds. */
  @Put('claims/:claimId')
  @HttpCode(202)
  async correct(
    @Param('claimId') claimId: string,
    @Body() body: unknown,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ClaimAccepted | Slip> {
    const id = idParam('claimId', claimId);
    const claim = validateClaim(body);
    if (claim.claimId !== id)
      throw Problem.invalid('The body names another claim than the path', [{ path: '/claimId', message: `must be ${id}, as in the path` }]);
    requireOwnHospital(caller, claim.hospital.id, `claim ${id}`);
    const correlationId = correlationIdFrom(headers);
    const accepted: ClaimAccepted = await this.commands.execute(
      new CorrectClaimCommand(claim, claim.hospital.id, correlationId, new Date()),
    );
    return answerAccepted(
      this.waiter,
      reply,
      { headers, caller, correlationId, action: 'PUT /claims/:claimId' },
      { claimId: accepted.claimId, seen: accepted, goal: 'SETTLED', accepted },
    );
  }
}
