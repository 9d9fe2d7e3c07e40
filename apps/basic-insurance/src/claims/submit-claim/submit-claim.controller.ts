import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { validateClaim } from '../claim-request.validation';
import { Caller, correlationIdFrom, CurrentCaller, requireOwnHospital } from '@msb/platform';
import { ClaimAccepted, SubmitClaimCommand } from './submit-claim.command';

@Controller()
export class SubmitClaimController {
  constructor(private readonly commands: CommandBus) {}

  @Post('claims')
  @HttpCode(202)
  async submit(
    @Body() body: unknown,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentCaller() caller: Caller,
  ): Promise<Omit<ClaimAccepted, 'version'>> {
    const claim = validateClaim(body);
    requireOwnHospital(caller, claim.hospital.id, `claim ${claim.claimId}`);
    const accepted: ClaimAccepted = await this.commands.execute(
      new SubmitClaimCommand(claim, claim.hospital.id, correlationIdFrom(headers), new Date()),
    );
    return { claimId: accepted.claimId, status: accepted.status };
  }
}
