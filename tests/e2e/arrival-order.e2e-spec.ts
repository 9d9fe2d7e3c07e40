import { applyStep, IdMap, loadScenario, mapStep, observe, randomArrivalOrder, randomTag, scenarioFiles, TestSystem } from '@msb/testing';

/**
 * Convergence: the same facts in any arrival order the facts allow, and the same scenario
 * twice at once under fresh ids, settle to exactly the expected slips and ledgers.
 * ORDER_SEED reproduces a run; the seed in use is printed.
 */
const seed = Number(process.env.ORDER_SEED ?? Date.now() % 1_000_000);

describe(`arrival order does not matter (ORDER_SEED=${seed})`, () => {
  let system: TestSystem;

  beforeAll(async () => {
    process.stderr.write(`[arrival-order] ORDER_SEED=${seed}\n`);
    system = await TestSystem.shared();
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
  }, 120_000);

  it.each(scenarioFiles().map((f, i) => [f, seed + i] as const))(
    '%s in a random order (seed %d)',
    async (file, orderSeed) => {
      const scenario = loadScenario(file);
      const ids = new IdMap(randomTag());
      for (const step of randomArrivalOrder(scenario.steps, orderSeed)) await applyStep(system.clients, mapStep(step, ids));
      await system.caughtUp();
      const observed = await observe(system.clients, scenario, ids);
      expect(observed.claims).toEqual(scenario.expected.claims);
      expect(observed.personYears).toEqual(scenario.expected.personYears);
    },
    120_000,
  );

  it.each(scenarioFiles())(
    '%s twice at the same time under fresh ids',
    async (file) => {
      const scenario = loadScenario(file);
      const runs = [new IdMap(randomTag()), new IdMap(randomTag())];
      await Promise.all(
        runs.map(async (ids, n) => {
          const steps = n === 0 ? scenario.steps : randomArrivalOrder(scenario.steps, seed + 1000);
          for (const step of steps) await applyStep(system.clients, mapStep(step, ids));
        }),
      );
      await system.caughtUp();
      for (const ids of runs) {
        const observed = await observe(system.clients, scenario, ids);
        expect(observed.claims).toEqual(scenario.expected.claims);
        expect(observed.personYears).toEqual(scenario.expected.personYears);
      }
    },
    120_000,
  );
});
