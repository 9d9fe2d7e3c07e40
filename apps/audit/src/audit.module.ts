import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { RUNTIME, ServiceRuntime } from '@msb/platform';
import { ClaimHistoryController } from './history/claim-history.controller';
import { AuditLog } from './log/audit-log';
import { ChainVerifier } from './verify/chain-verifier';
import { VerifyController } from './verify/verify.controller';

@Module({})
export class AuditModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    return {
      module: AuditModule,
      imports: [CqrsModule.forRoot()],
      controllers: [VerifyController, ClaimHistoryController],
      providers: [{ provide: RUNTIME, useValue: runtime }, AuditLog, ChainVerifier],
      exports: [AuditLog],
    };
  }
}
