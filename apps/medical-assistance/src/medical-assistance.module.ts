import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { assistancePolicySchema } from '@msb/contracts';
import {
  EligibilityStore,
  POLICY_RECALCULATION,
  POLICY_STORE,
  policyController,
  PutPolicyHandler,
  RUNTIME,
  statementController,
  ServiceRuntime,
} from '@msb/platform';
import { AssistancePreviewController } from './previews/assistance-preview.controller';
import { EligibilityController } from './eligibility/eligibility.controller';
import { Grants } from './eligibility/grants.service';
import { AssistanceInputs } from './inputs/assistance-inputs.consumer';
import { AssistanceLedgerController } from './ledgers/assistance-ledger.controller';
import { AssistanceLedgerView } from './ledgers/assistance-ledger.view';
import { AssistancePersonYears } from './person-years/assistance-person-year.repository';
import { AssistancePolicies } from './policies/assistance-policy.store';
import { AssistanceRecalculation } from './recalculation/assistance-recalculation.service';
import { AssistanceReportController } from './reports/assistance-report.controller';
import { AssistanceReportView } from './reports/assistance-report.view';

@Module({})
export class MedicalAssistanceModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    return {
      module: MedicalAssistanceModule,
      imports: [CqrsModule.forRoot()],
      controllers: [
        policyController(assistancePolicySchema, 'assistance'),
        statementController('assistance', 'civil-affairs-officer'),
        EligibilityController,
        AssistanceLedgerController,
        AssistancePreviewController,
        AssistanceReportController,
      ],
      providers: [
        { provide: RUNTIME, useValue: runtime },
        AssistancePolicies,
        AssistancePersonYears,
        { provide: EligibilityStore, useValue: EligibilityStore.ofGrants() },
        Grants,
        AssistanceInputs,
        AssistanceRecalculation,
        AssistanceLedgerView,
        AssistanceReportView,
        { provide: POLICY_STORE, useExisting: AssistancePolicies },
        { provide: POLICY_RECALCULATION, useExisting: AssistanceRecalculation },
        PutPolicyHandler,
      ],
      exports: [AssistanceInputs, AssistanceRecalculation],
    };
  }
}
