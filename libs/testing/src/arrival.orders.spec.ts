import type { ScenarioStep } from '@msb/contracts';
import { randomArrivalOrder } from './arrival.orders';
import { loadScenario, scenarioFiles } from './scenario.driver';

/** Where each constraint of an arrival order is broken: a claim before its region-year's policy, catalogue or its hospital, a revision out of order. */
function brokenConstraints(order: readonly ScenarioStep[], original: readonly ScenarioStep[]): string[] {
  const broken: string[] = [];
  const policies = new Set<string>();
  const catalogues = new Set<string>();
  const hospitals = new Set<string>();
  const position = (s: ScenarioStep) => original.indexOf(s);
  const last = new Map<string, number>();
  const inOrder = (key: string, s: ScenarioStep) => {
    if ((last.get(key) ?? -1) > position(s)) broken.push(`${key} out of order`);
    last.set(key, position(s));
  };
  for (const s of order) {
    switch (s.op) {
      case 'putPolicy':
        policies.add(`${s.region}|${s.year}`);
        inOrder(`policy ${s.region}|${s.year}`, s);
        break;
      case 'putCatalogue':
        catalogues.add(`${s.region}|${s.year}`);
        inOrder(`catalogue ${s.region}|${s.year}`, s);
        break;
      case 'putHospital':
        hospitals.add(s.hospitalId);
        inOrder(`hospital ${s.hospitalId}`, s);
        break;
      case 'submitClaim':
      case 'correctClaim': {
        const ry = `${s.claim.region}|${s.claim.serviceDate.slice(0, 4)}`;
        if (!policies.has(ry)) broken.push(`${s.claim.claimId} before the policy of ${ry}`);
        if (!catalogues.has(ry)) broken.push(`${s.claim.claimId} before the catalogue of ${ry}`);
        if (!hospitals.has(s.claim.hospital.id)) broken.push(`${s.claim.claimId} before hospital ${s.claim.hospital.id}`);
        inOrder(`claim ${s.claim.claimId}`, s);
        break;
      }
      case 'reverseClaim':
        inOrder(`claim ${s.claimId}`, s);
        break;
      case 'grantEligibility':
      case 'revokeEligibility':
        inOrder(`grant ${s.grantId}`, s);
        break;
    }
  }
  return broken;
}

describe('random arrival orders of the golden scenarios', () => {
  it.each(scenarioFiles())('%s: every order keeps a claim after its region-year’s policy and catalogue and its hospital', (file) => {
    const { steps } = loadScenario(file);
    for (let seed = 1; seed <= 20; seed++) {
      const order = randomArrivalOrder(steps, seed);
      expect(order).toHaveLength(steps.length);
      expect(new Set(order).size).toBe(steps.length);
      expect(brokenConstraints(order, steps)).toEqual([]);
    }
  });

  it('moves the registry and catalogue steps, not only the claims', () => {
    const { steps } = loadScenario('generated-1.json');
    const positions = (order: ScenarioStep[]) => order.map((s, i) => (s.op === 'putHospital' ? i : -1)).filter((i) => i >= 0);
    expect(positions(randomArrivalOrder(steps, 1))).not.toEqual(positions(steps));
  });
});
