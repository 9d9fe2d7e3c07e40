import { applyStep, IdMap, loadScenario, mapStep, observe, randomTag, scenarioFiles, TestSystem } from '@msb/testing';

/**
 * The golden scenarios through the four running services over HTTP, on real Kafka and
 * Postgres: every slip and person-year ledger must equal `expected`.
 */
describe('golden scenarios through the running system', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
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
});
