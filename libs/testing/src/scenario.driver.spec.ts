import type { ScenarioStep } from '@msb/contracts';
import { IdMap, loadScenario, mapStep } from './scenario.driver';

describe('a scenario’s ids mapped for one run', () => {
  const ids = new IdMap('t1');
  const steps = loadScenario('late-claim-reorders-year.json').steps.map((s) => mapStep(s, ids));
  const of = <O extends ScenarioStep['op']>(op: O) => steps.filter((s): s is Extract<ScenarioStep, { op: O }> => s.op === op);

  it('gives hospitals their own ids and registers them in the mapped regions, so in-region stays in-region', () => {
    const registry = new Map(of('putHospital').map((s) => [s.hospitalId, s.hospital]));
    expect([...registry.keys()]).toEqual(['H-CITY-3-t1', 'H-OUT-3-t1']);
    for (const { claim } of of('submitClaim')) {
      const hospital = registry.get(claim.hospital.id);
      expect(hospital).toBeDefined();
      expect(claim.region).toBe(ids.region('440300'));
    }
    expect(registry.get('H-CITY-3-t1')?.region).toBe(ids.region('440300'));
    expect(registry.get('H-OUT-3-t1')?.region).toBe(ids.region('OFF001'));
    expect(ids.region('OFF001')).not.toBe(ids.region('440300'));
  });

  it('puts the catalogue for the mapped region-year', () => {
    expect(of('putCatalogue').map((s) => `${s.region}|${s.year}`)).toEqual([`${ids.region('440300')}|2024`]);
  });
});
