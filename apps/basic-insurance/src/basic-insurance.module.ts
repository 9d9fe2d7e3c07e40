import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { basicCatalogueSchema, basicPolicySchema } from '@msb/contracts';
import {
  CATALOGUE_STORE,
  catalogueController,
  POLICY_RECALCULATION,
  POLICY_STORE,
  policyController,
  PutPolicyHandler,
  RUNTIME,
  statementController,
  ServiceRuntime,
} from '@msb/platform';
import { BasicCatalogues } from './catalogue/basic-catalogue.store';
import { HospitalRegistry } from './hospitals/hospital-registry.store';
import { HospitalsController } from './hospitals/hospitals.controller';
import { HospitalAdjustmentsController } from './hospitals/hospital-adjustments.controller';
import { ClaimIntake } from './claims/claim-intake.service';
import { PayerPreviewClient } from './preview/payer-preview.client';
import { PreviewClaimController } from './preview/preview-claim.controller';
import { CorrectClaimController } from './claims/correct-claim/correct-claim.controller';
import { CorrectClaimHandler } from './claims/correct-claim/correct-claim.handler';
import { ReverseClaimController } from './claims/reverse-claim/reverse-claim.controller';
import { ReverseClaimHandler } from './claims/reverse-claim/reverse-claim.handler';
import { SubmitClaimController } from './claims/submit-claim/submit-claim.controller';
import { SubmitClaimHandler } from './claims/submit-claim/submit-claim.handler';
import { DownstreamDecisions } from './slips/downstream.projection';
import { CriticalIllnessSettlementsProjection } from './reports/critical-illness-settlements.projection';
import { BasicFundReportController } from './reports/fund-report.controller';
import { BasicFundReportView } from './reports/fund-report.view';
import { BasicPersonYears } from './person-years/basic-person-year.repository';
import { BasicPolicies } from './policies/basic-policy.store';
import { BasicRecalculation } from './recalculation/basic-recalculation.service';
import { GetLedgerController } from './slips/get-ledger/get-ledger.controller';
import { GetLedgerHandler } from './slips/get-ledger/get-ledger.handler';
import { GetSlipController } from './slips/get-slip/get-slip.controller';
import { ClaimFhirController } from './slips/fhir/claim-fhir.controller';
import { ClaimSettlementController } from './slips/national/claim-settlement.controller';
import { GetSlipHandler } from './slips/get-slip/get-slip.handler';
import { SlipView } from './slips/slip.view';
import { ClaimSearchView } from './slips/search-claims/claim-search.view';
import { SearchClaimsController } from './slips/search-claims/search-claims.controller';
import { SearchClaimsHandler } from './slips/search-claims/search-claims.handler';
import { SlipSettledWaiter } from './slips/slip-settled.waiter';

@Module({})
export class BasicInsuranceModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    return {
      module: BasicInsuranceModule,
      imports: [CqrsModule.forRoot()],
      controllers: [
        policyController(basicPolicySchema, 'basic'),
        catalogueController(basicCatalogueSchema, 'basic'),
        statementController('basic', 'basic-officer'),
        HospitalsController,
        HospitalAdjustmentsController,
        PreviewClaimController,
        SubmitClaimController,
        CorrectClaimController,
        ReverseClaimController,
        GetSlipController,
        SearchClaimsController,
        ClaimFhirController,
        ClaimSettlementController,
        GetLedgerController,
        BasicFundReportController,
      ],
      providers: [
        { provide: RUNTIME, useValue: runtime },
        BasicPolicies,
        BasicCatalogues,
        HospitalRegistry,
        BasicPersonYears,
        ClaimIntake,
        PayerPreviewClient,
        SlipView,
        ClaimSearchView,
        SlipSettledWaiter,
        DownstreamDecisions,
        CriticalIllnessSettlementsProjection,
        BasicFundReportView,
        BasicRecalculation,
        { provide: POLICY_STORE, useExisting: BasicPolicies },
        { provide: CATALOGUE_STORE, useExisting: BasicCatalogues },
        { provide: POLICY_RECALCULATION, useExisting: BasicRecalculation },
        PutPolicyHandler,
        SubmitClaimHandler,
        CorrectClaimHandler,
        ReverseClaimHandler,
        GetSlipHandler,
        SearchClaimsHandler,
        GetLedgerHandler,
      ],
      exports: [DownstreamDecisions, CriticalIllnessSettlementsProjection, BasicRecalculation, SlipView],
    };
  }
}
