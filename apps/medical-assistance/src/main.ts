import { TOPICS } from '@msb/contracts';
import {
  main,
  PayerTables1732400000060,
  PaymentHospital1732400000098,
  PaymentRecord1732400000070,
  PersonYearHeld1732400000500,
  RecalculationBatches1732400000090,
  Recalculations1732400000050,
  ServiceDefinition,
} from '@msb/platform';
import { AssistanceInputs } from './inputs/assistance-inputs.consumer';
import { MedicalAssistanceModule } from './medical-assistance.module';
import { AssistanceTables1732400000300 } from './migrations/1732400000300-assistance-tables';
import { PersonGrants1732400000310 } from './migrations/1732400000310-person-grants';
import { GrantRevisions1732400000320 } from './migrations/1732400000320-grant-revisions';
import { ASSISTANCE_GRANTS } from './migrations/assistance.grants';
import { AssistanceRecalculation } from './recalculation/assistance-recalculation.service';
import { ROUTES } from './routes';

/** medical-assistance (医疗救助, civil affairs): eligibility and the last payer. Port 3003. */
export const medicalAssistanceService: ServiceDefinition = {
  service: 'medical-assistance',
  title: 'medical-assistance (医疗救助, 民政局)',
  description: 'Eligibility grants and medical assistance on what both insurances left (保险在先、救助在后).',
  port: 3003,
  database: 'msb_medical_assistance',
  migrations: [
    Recalculations1732400000050,
    RecalculationBatches1732400000090,
    PayerTables1732400000060,
    PaymentRecord1732400000070,
    PaymentHospital1732400000098,
    AssistanceTables1732400000300,
    PersonGrants1732400000310,
    GrantRevisions1732400000320,
    PersonYearHeld1732400000500,
  ],
  grants: ASSISTANCE_GRANTS,
  produces: [TOPICS.assistanceEligibility, TOPICS.assistanceDecisions, TOPICS.assistancePolicies],
  consumes: [TOPICS.basicDecisions, TOPICS.criticalIllnessDecisions],
  routes: ROUTES,
  module: (runtime) => MedicalAssistanceModule.register(runtime),
  parked: (_app, runtime) => async () => {
    const [row] = await runtime.db.query<{ n: string }>('SELECT count(*) AS n FROM person_years WHERE parked');
    return Number(row?.n ?? 0);
  },
  held: (_app, runtime) => async () => {
    const [row] = await runtime.db.query<{ n: string }>('SELECT count(*) AS n FROM person_years WHERE held');
    return Number(row?.n ?? 0);
  },
  start: async (app, runtime) => {
    const inputs = app.get(AssistanceInputs);
    await runtime.startConsumer({
      group: 'medical-assistance',
      topics: [TOPICS.basicDecisions, TOPICS.criticalIllnessDecisions],
      handleBatch: (tx, messages) => inputs.handleBatch(tx, messages),
      afterCommit: () => runtime.relay.poke(),
    });
  },
  recalculation: (app) => app.get(AssistanceRecalculation).worker,
};

if (require.main === module) main(medicalAssistanceService);
