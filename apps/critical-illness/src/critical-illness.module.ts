import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { criticalIllnessCatalogueSchema, criticalIllnessPolicySchema } from '@msb/contracts';
import {
  CATALOGUE_STORE,
  catalogueController,
  EligibilityStore,
  POLICY_RECALCULATION,
  POLICY_STORE,
  policyController,
  PutPolicyHandler,
  RUNTIME,
  statementController,
  ServiceRuntime,
} from '@msb/platform';
import { CriticalIllnessCatalogues } from './catalogue/ci-catalogue.store';
import { CriticalIllnessInputs } from './inputs/ci-inputs.consumer';
import { CriticalIllnessPreviewController } from './previews/ci-preview.controller';
import { CriticalIllnessLedgerController } from './ledgers/ci-ledger.controller';
import { CriticalIllnessLedgerView } from './ledgers/ci-ledger.view';
import { CriticalIllnessPersonYears } from './person-years/ci-person-year.repository';
import { CriticalIllnessPolicies } from './policies/ci-policy.store';
import { CriticalIllnessRecalculation } from './recalculation/ci-recalculation.service';
import { FundContractController } from './funds/fund-contract.controller';
import { CriticalIllnessContracts } from './funds/fund-contract.store';
import { FundSettlementController } from './funds/fund-settlement.controller';
import { FundSettlements } from './funds/fund-settlement.store';
import { SettleFundHandler } from './funds/settle-fund.handler';
import { FundReportController } from './reports/fund-report.controller';
import { FundReportView } from './reports/fund-report.view';

@Module({})
export class CriticalIllnessModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    return {
      module: CriticalIllnessModule,
      imports: [CqrsModule.forRoot()],
      controllers: [
        policyController(criticalIllnessPolicySchema, '大病'),
        catalogueController(criticalIllnessCatalogueSchema, '大病'),
        statementController('critical-illness', 'insurer-officer'),
        CriticalIllnessLedgerController,
        FundReportController,
        FundContractController,
        FundSettlementController,
        CriticalIllnessPreviewController,
      ],
      providers: [
        { provide: RUNTIME, useValue: runtime },
        CriticalIllnessPolicies,
        CriticalIllnessCatalogues,
        CriticalIllnessPersonYears,
        { provide: EligibilityStore, useValue: EligibilityStore.ofWindows() },
        CriticalIllnessInputs,
        CriticalIllnessRecalculation,
        CriticalIllnessLedgerView,
        FundReportView,
        CriticalIllnessContracts,
        FundSettlements,
        SettleFundHandler,
        { provide: POLICY_STORE, useExisting: CriticalIllnessPolicies },
        { provide: CATALOGUE_STORE, useExisting: CriticalIllnessCatalogues },
        { provide: POLICY_RECALCULATION, useExisting: CriticalIllnessRecalculation },
        PutPolicyHandler,
      ],
      exports: [CriticalIllnessInputs, CriticalIllnessRecalculation],
    };
  }
}
