import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { RUNTIME, ServiceRuntime } from '@msb/platform';
import { AnalysisService } from './analysis/analysis.service';
import { Checkpointer } from './checkpoints/checkpoint.service';
import { CheckpointSigner } from './checkpoints/checkpoint.signer';
import { ConsoleController } from './console/console.controller';
import { FlagsController } from './flags/flags.controller';
import { ClaimHistoryController } from './history/claim-history.controller';
import { AsOfLedgerController } from './ledgers/as-of-ledger.controller';
import { AuditLog } from './log/audit-log.consumer';
import { ProofsController } from './proofs/proofs.controller';
import { ReplayController } from './replay/replay.controller';
import { ReportsController } from './reports/reports.controller';
import { ChainVerifier } from './verify/chain.verifier';
import { VerifyController } from './verify/verify.controller';
import { WhatIfController } from './what-if/what-if.controller';
import { WhatIfHandler } from './what-if/what-if.handler';

@Module({})
export class AuditModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    return {
      module: AuditModule,
      imports: [CqrsModule.forRoot()],
      controllers: [
        VerifyController,
        ClaimHistoryController,
        AsOfLedgerController,
        ReplayController,
        FlagsController,
        ProofsController,
        ReportsController,
        ConsoleController,
        WhatIfController,
      ],
      providers: [
        { provide: RUNTIME, useValue: runtime },
        AuditLog,
        ChainVerifier,
        CheckpointSigner,
        Checkpointer,
        AnalysisService,
        WhatIfHandler,
      ],
      exports: [AuditLog, Checkpointer],
    };
  }
}
