import { Body, Controller, Headers, HttpCode, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { validateClaim } from '../claim-request.validation';
import { Caller, correlationIdFrom, CurrentCaller, idParam, Problem, requireOwnHospital } from '@msb/platform';
import { ClaimAccepted } from '../submit-claim/submit-claim.command';
import { CorrectClaimCommand } from './correct-claim.command';

@Controller()
export class CorrectClaimController {
  constructor(private readonly commands: CommandBus) {}

  @Put('claims/:claimId')
  @HttpCode(202)
  async correct(
    @Param('claimId') claimId: string,
    @Body() body: unknown,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentCaller() caller: Caller,
  ): Promise<ClaimAccepted> {
    const id = idParam('claimId', claimId);
    const claim = validateClaim(body);
    if (claim.claimId !== id)
      throw Problem.invalid('The body names another claim than the path', [{ path: '/claimId', message: `must be ${id}, as in the path` }]);
    requireOwnHospital(caller, claim.hospital.id, `claim ${id}`);
    return this.commands.execute(new CorrectClaimCommand(claim, claim.hospital.id, correlationIdFrom(headers), new Date()));
  }
}
