import { TOPICS } from '@msb/contracts';
import {
  Catalogues1732400000095,
  main,
  PayerTables1732400000060,
  PaymentHospital1732400000098,
  PaymentRecord1732400000070,
  PersonYearHeld1732400000500,
  RecalculationBatches1732400000090,
  Recalculations1732400000050,
  ServiceDefinition,
} from '@msb/platform';
import { BasicInsuranceModule } from './basic-insurance.module';
import { ClaimIntake } from './claims/claim-intake.service';
import { DownstreamDecisions } from './slips/downstream.projection';
import { BasicTables1732400000100 } from './migrations/1732400000100-basic-tables';
import { SlipPersonYears1732400000110 } from './migrations/1732400000110-slip-person-years';
import { ClaimFirstHash1732400000120 } from './migrations/1732400000120-claim-first-hash';
import { ClaimHospital1732400000130 } from './migrations/1732400000130-claim-hospital';
import { SlipHeldDecisions1732400000140 } from './migrations/1732400000140-slip-held-decisions';
import { ClaimSettledAt1732400000147 } from './migrations/1732400000147-claim-settled-at';
import { HospitalRegistry1732400000150 } from './migrations/1732400000150-hospital-registry';
import { CriticalIllnessSettlements1732400000160 } from './migrations/1732400000160-critical-illness-settlements';
import { CriticalIllnessSettlementsProjection } from './reports/critical-illness-settlements.projection';
import { ClaimSearch1732400000170 } from './migrations/1732400000170-claim-search';
import { BASIC_GRANTS } from './migrations/basic.grants';
import { BasicRecalculation } from './recalculation/basic-recalculation.service';
import { ROUTES } from './routes';

/** basic-insurance (医保局): claim intake, basic adjudication, the one-stop slip. Port 3001. */
export const basicInsuranceService: ServiceDefinition = {
  service: 'basic-insurance',
  title: 'basic-insurance (基本医保, 医保局)',
  description: 'Claim intake, basic medical insurance adjudication and the one-stop slip (一站式结算单).',
  port: 3001,
  database: 'msb_basic_insurance',
  migrations: [
    Recalculations1732400000050,
    RecalculationBatches1732400000090,
    PayerTables1732400000060,
    BasicTables1732400000100,
    SlipPersonYears1732400000110,
    ClaimFirstHash1732400000120,
    ClaimHospital1732400000130,
    SlipHeldDecisions1732400000140,
    ClaimSettledAt1732400000147,
    Catalogues1732400000095,
    HospitalRegistry1732400000150,
    CriticalIllnessSettlements1732400000160,
    ClaimSearch1732400000170,
    PaymentRecord1732400000070,
    PaymentHospital1732400000098,
    PersonYearHeld1732400000500,
  ],
  grants: BASIC_GRANTS,
  produces: [TOPICS.basicClaims, TOPICS.basicDecisions, TOPICS.basicPolicies],
  consumes: [TOPICS.criticalIllnessDecisions, TOPICS.assistanceDecisions, TOPICS.criticalIllnessFunds],
  routes: ROUTES,
  module: (runtime) => BasicInsuranceModule.register(runtime),
  parked: () => async () => 0,
  // person-years whose slip waits for a missing 大病 or assistance revision
  held: (_app, runtime) => async () => {
    const [row] = await runtime.db.query<{ n: string }>('SELECT count(DISTINCT stream_id) AS n FROM slip_held_decisions');
    return Number(row?.n ?? 0);
  },
  extraStatus: (app) => async () => ({ intake: app.get(ClaimIntake).stats }),
  start: async (app, runtime) => {
    const downstream = app.get(DownstreamDecisions);
    await runtime.startConsumer({
      group: 'basic-insurance.slips',
      topics: [TOPICS.criticalIllnessDecisions, TOPICS.assistanceDecisions],
      handleBatch: (tx, messages) => downstream.handleBatch(tx, messages),
    });
    // the 大病 fund's year-end settlements, booked into the basic fund's report
    const settlements = app.get(CriticalIllnessSettlementsProjection);
    await runtime.startConsumer({
      group: 'basic-insurance.funds',
      topics: [TOPICS.criticalIllnessFunds],
      handlers: { 'critical-illness.FundSettled': (tx, e) => settlements.book(tx, e) },
    });
  },
  recalculation: (app) => app.get(BasicRecalculation).worker,
};

if (require.main === module) main(basicInsuranceService);
