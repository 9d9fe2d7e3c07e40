import { claimSchema, ScenarioStep, scenarioStepSchema } from '@msb/contracts';
import { expectedSlips } from './expected-slips.rules';
import { demoPolicies, generateWorkload, WORKLOAD_CODES, workloadSetupSteps } from './workload.generator';

describe('the generated workload', () => {
  const regions = ['610100WG', '321300WG'];
  const workload = generateWorkload({ seed: 11, tag: 'WG', regions, year: 2024, people: 200, claims: 600 });

  it('sends claims in the hospital’s form: catalogue codes and amounts, a registered hospital by id, quantity × unit price exact', () => {
    for (const claim of workload.claims) expect(claimSchema.safeParse(claim).error?.issues).toBeUndefined();
    const priced = workload.claims.flatMap((c) => c.items).filter((i) => i.quantity !== undefined);
    expect(priced.length).toBeGreaterThan(0);
  });

  it('registers every hospital a claim names, in the claim’s region or in one the workload does not use (异地)', () => {
    const registry = new Map(workload.hospitals.map((h) => [h.hospitalId, h.hospital]));
    expect(registry.size).toBe(workload.hospitals.length);
    let offRegion = 0;
    for (const claim of workload.claims) {
      const hospital = registry.get(claim.hospital.id);
      expect(hospital?.designated).toBe(true);
      if (hospital!.region !== claim.region) {
        offRegion += 1;
        expect(regions).not.toContain(hospital!.region);
      }
    }
    expect(offRegion / workload.claims.length).toBeGreaterThan(0.03);
    expect(offRegion / workload.claims.length).toBeLessThan(0.2);
  });

  it('names every kind of code: 甲, 乙 at the policy’s ratio and at its own, 丙, 丙 that 大病 covers, and one no catalogue lists', () => {
    const used = new Set(workload.claims.flatMap((c) => c.items.map((i) => i.code)));
    const listed = Object.keys(workload.catalogue.items);
    for (const code of listed) expect(used).toContain(code);
    expect(used).toContain(WORKLOAD_CODES.unlisted);
    expect(listed).not.toContain(WORKLOAD_CODES.unlisted);
    expect(workload.criticalIllnessCatalogue.covered).toEqual([WORKLOAD_CODES.negotiated]);
  });

  it('gives setup steps (policy, both catalogues per region, the hospitals) on which every claim settles', () => {
    const setup = workloadSetupSteps(workload, demoPolicies());
    for (const step of setup) expect(scenarioStepSchema.safeParse(step).error?.issues).toBeUndefined();
    expect(setup.filter((s) => s.op === 'putPolicy')).toHaveLength(regions.length);
    expect(setup.filter((s) => s.op === 'putCatalogue')).toHaveLength(regions.length);
    expect(setup.filter((s) => s.op === 'putHospital')).toHaveLength(workload.hospitals.length);
    const steps: ScenarioStep[] = [...setup, ...workload.claims.map((claim): ScenarioStep => ({ op: 'submitClaim', claim }))];
    expect(expectedSlips(steps).size).toBe(workload.claims.length);
  });

  it('is a claim without its catalogue or hospital that expectedSlips refuses to expect anything of', () => {
    const claims = workload.claims.map((claim): ScenarioStep => ({ op: 'submitClaim', claim }));
    const withoutHospitals = workloadSetupSteps(workload, demoPolicies()).filter((s) => s.op !== 'putHospital');
    expect(() => expectedSlips([...withoutHospitals, ...claims])).toThrow(/cannot be settled/);
  });

  it('is the same for the same seed', () => {
    expect(generateWorkload({ seed: 11, tag: 'WG', regions, year: 2024, people: 200, claims: 600 })).toEqual(workload);
  });
});
