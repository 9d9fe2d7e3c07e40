import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { reversalSchema } from '@msb/contracts';
import { Caller, correlationIdFrom, CurrentCaller, idParam, Problem, validate } from '@msb/platform';
import { ClaimAccepted } from '../submit-claim/submit-claim.command';
import { ReverseClaimCommand } from './reverse-claim.command';

@Controller()
export class ReverseClaimController {
  constructor(private readonly commands: CommandBus) {}

  @Post('claims/:claimId/reversal')
  @HttpCode(202)
  async reverse(
    @Param('claimId') claimId: string,
    @Body() body: unknown,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentCaller() caller: Caller,
  ): Promise<Omit<ClaimAccepted, 'version'>> {
    const id = idParam('claimId', claimId);
    const { reason } = validate(reversalSchema, body ?? {});
    if (caller.hospital === undefined) throw Problem.forbidden('only a hospital reverses its claims');
    const accepted: ClaimAccepted = await this.commands.execute(
      new ReverseClaimCommand(id, reason ?? 'not stated', caller.hospital, correlationIdFrom(headers), new Date()),
    );
    return { claimId: accepted.claimId, status: accepted.status };
  }
}
