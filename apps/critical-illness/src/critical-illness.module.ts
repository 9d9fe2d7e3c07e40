import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { criticalIllnessPolicySchema } from '@msb/contracts';
import {
  EligibilityStore,
  POLICY_RECALCULATION,
  POLICY_STORE,
  policyController,
  PutPolicyHandler,
  RUNTIME,
  ServiceRuntime,
} from '@msb/platform';
import { CriticalIllnessInputs } from './inputs/ci-inputs.consumer';
import { CriticalIllnessLedgerController } from './ledgers/ci-ledger.controller';
import { CriticalIllnessLedgerView } from './ledgers/ci-ledger.view';
import { CriticalIllnessPersonYears } from './person-years/ci-person-year.repository';
import { CriticalIllnessPolicies } from './policies/ci-policy.store';
import { CriticalIllnessRecalculation } from './recalculation/ci-recalculation.service';
import { FundReportController } from './reports/fund-report.controller';
import { FundReportView } from './reports/fund-report.view';

@Module({})
export class CriticalIllnessModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    return {
      module: CriticalIllnessModule,
      imports: [CqrsModule.forRoot()],
      controllers: [policyController(criticalIllnessPolicySchema, '大病'), CriticalIllnessLedgerController, FundReportController],
      providers: [
        { provide: RUNTIME, useValue: runtime },
        CriticalIllnessPolicies,
        CriticalIllnessPersonYears,
        { provide: EligibilityStore, useValue: EligibilityStore.ofWindows() },
        CriticalIllnessInputs,
        CriticalIllnessRecalculation,
        CriticalIllnessLedgerView,
        FundReportView,
        { provide: POLICY_STORE, useExisting: CriticalIllnessPolicies },
        { provide: POLICY_RECALCULATION, useExisting: CriticalIllnessRecalculation },
        PutPolicyHandler,
      ],
      exports: [CriticalIllnessInputs, CriticalIllnessRecalculation],
    };
  }
}
