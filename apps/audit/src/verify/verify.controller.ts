import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ChainVerifier, VerifyResult } from './chain-verifier';

@Controller()
export class VerifyController {
  constructor(private readonly verifier: ChainVerifier) {}

  /** Recompute the hash chains end to end; report the first broken entry. */
  @Post('verify')
  @HttpCode(200)
  verify(): Promise<VerifyResult> {
    return this.verifier.verify();
  }

  /** The stored head of the log. */
  @Get('head')
  head() {
    return this.verifier.storedHead();
  }
}
