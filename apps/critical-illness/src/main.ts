import { TOPICS } from '@msb/contracts';
import {
  main,
  PayerTables1732400000060,
  PaymentHospital1732400000098,
  PaymentRecord1732400000070,
  PersonYearHeld1732400000500,
  RecalculationBatches1732400000090,
  Catalogues1732400000095,
  Recalculations1732400000050,
  ServiceDefinition,
} from '@msb/platform';
import { CriticalIllnessModule } from './critical-illness.module';
import { CriticalIllnessInputs } from './inputs/ci-inputs.consumer';
import { CriticalIllnessTables1732400000200 } from './migrations/1732400000200-critical-illness-tables';
import { EligibilityWindows1732400000210 } from './migrations/1732400000210-eligibility-windows';
import { FundAccount1732400000220 } from './migrations/1732400000220-fund-account';
import { CRITICAL_ILLNESS_GRANTS } from './migrations/critical-illness.grants';
import { CriticalIllnessRecalculation } from './recalculation/ci-recalculation.service';
import { ROUTES } from './routes';

/** critical-illness (大病保险, run by the insurer under contract). Port 3002. */
export const criticalIllnessService: ServiceDefinition = {
  service: 'critical-illness',
  title: 'critical-illness (大病保险)',
  description: 'Critical-illness insurance: cumulative 大病 on what basic left, with the tilt for people in hardship.',
  port: 3002,
  database: 'msb_critical_illness',
  migrations: [
    Recalculations1732400000050,
    RecalculationBatches1732400000090,
    PayerTables1732400000060,
    PaymentRecord1732400000070,
    PaymentHospital1732400000098,
    CriticalIllnessTables1732400000200,
    EligibilityWindows1732400000210,
    Catalogues1732400000095,
    PersonYearHeld1732400000500,
    FundAccount1732400000220,
  ],
  grants: CRITICAL_ILLNESS_GRANTS,
  produces: [TOPICS.criticalIllnessDecisions, TOPICS.criticalIllnessPolicies, TOPICS.criticalIllnessFunds],
  consumes: [TOPICS.basicDecisions, TOPICS.assistanceEligibility],
  routes: ROUTES,
  module: (runtime) => CriticalIllnessModule.register(runtime),
  parked: (_app, runtime) => async () => {
    const [row] = await runtime.db.query<{ n: string }>('SELECT count(*) AS n FROM person_years WHERE parked');
    return Number(row?.n ?? 0);
  },
  held: (_app, runtime) => async () => {
    const [row] = await runtime.db.query<{ n: string }>('SELECT count(*) AS n FROM person_years WHERE held');
    return Number(row?.n ?? 0);
  },
  start: async (app, runtime) => {
    const inputs = app.get(CriticalIllnessInputs);
    await runtime.startConsumer({
      group: 'critical-illness',
      topics: [TOPICS.basicDecisions, TOPICS.assistanceEligibility],
      handleBatch: (tx, messages) => inputs.handleBatch(tx, messages),
      afterCommit: () => runtime.relay.poke(),
    });
  },
  recalculation: (app) => app.get(CriticalIllnessRecalculation).worker,
};

if (require.main === module) main(criticalIllnessService);
