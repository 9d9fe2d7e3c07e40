import {
  adminServerUrl,
  applyStep,
  IdMap,
  loadScenario,
  mapStep,
  observe,
  randomTag,
  scenarioFiles,
  SERVICE_NAMES,
  TestSystem,
} from '@msb/testing';
import { Client } from 'pg';

/**
 * The golden scenarios through the four running services over HTTP, on real Kafka and
 * Postgres: every slip and person-year ledger must equal `expected`.
 */
describe('golden scenarios through the running system', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.shared();
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
  }, 120_000);

  it.each(scenarioFiles())(
    '%s settles to expected',
    async (file) => {
      const scenario = loadScenario(file);
      const ids = new IdMap(randomTag());
      for (const step of scenario.steps) await applyStep(system.clients, mapStep(step, ids));
      await system.caughtUp();
      const observed = await observe(system.clients, scenario, ids);
      expect(observed.claims).toEqual(scenario.expected.claims);
      expect(observed.personYears).toEqual(scenario.expected.personYears);
    },
    120_000,
  );

  it('the seed example pays basic 56000.00, 大病 22000.00, assistance 0.00, self-pay 22000.00', async () => {
    const scenario = loadScenario('seed-2015-example.json');
    const ids = new IdMap(randomTag());
    for (const step of scenario.steps) await applyStep(system.clients, mapStep(step, ids));
    await system.caughtUp();
    const slip = await system.clients.basic.get<Record<string, unknown>>(`/claims/${ids.claim('SEED-1')}`);
    expect(slip.status).toBe(200);
    expect(slip.body).toMatchObject({
      status: 'SETTLED',
      total: '100000.00',
      policyScope: '80000.00',
      basic: '56000.00',
      criticalIllness: '22000.00',
      assistance: '0.00',
      selfPay: '22000.00',
    });
  }, 120_000);

  it('the audit log holds every event once and its chain verifies', async () => {
    await system.caughtUp();
    const verify = await system.clients.audit.post<{ ok: boolean; events: number }>('/verify');
    expect(verify.status).toBe(200);
    expect(verify.body.ok).toBe(true);
    expect(verify.body.events).toBeGreaterThan(100);
  }, 120_000);

  it('every service ran all of this as its own runtime role (the migration role’s connection closed after the start)', async () => {
    const admin = new Client({ connectionString: adminServerUrl() });
    await admin.connect();
    try {
      for (const name of SERVICE_NAMES) {
        const { rows } = await admin.query<{ role: string }>(
          "SELECT DISTINCT usename AS role FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'",
          [system.databaseName(name)],
        );
        expect({ name, roles: rows.map((r) => r.role) }).toEqual({ name, roles: [`msb_${name.replace(/-/g, '_')}_app`] });
      }
    } finally {
      await admin.end();
    }
  });
});
