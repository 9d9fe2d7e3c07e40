import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { Checkpoint, Checkpointer } from '../checkpoints/checkpoint.service';
import { ChainVerifier, VerifyResult } from './chain.verifier';

@Controller()
export class VerifyController {
  constructor(
    private readonly verifier: ChainVerifier,
    private readonly checkpointer: Checkpointer,
  ) {}

  /** Recompute the hash chains and the Merkle checkpoints end to end; report the first broken entry. */
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

  /** The latest Merkle checkpoints, with their time. */
  @Get('checkpoints')
  checkpoints(): Promise<Checkpoint[]> {
    return this.checkpointer.list();
  }

  /** Take a checkpoint now (otherwise taken every few seconds while the log grows). */
  @Post('checkpoints')
  @HttpCode(200)
  async checkpoint(): Promise<Checkpoint | { unchanged: true }> {
    return (await this.checkpointer.checkpoint()) ?? { unchanged: true };
  }
}
