import type { ClaimDto } from '@msb/contracts';
import {
  applyStep,
  demoPolicies,
  generateWorkload,
  IdMap,
  loadScenario,
  mapStep,
  randomTag,
  TestSystem,
  workloadSetupSteps,
} from '@msb/testing';

interface Preview {
  status: string;
  total: string;
  basic: string;
  criticalIllness?: string;
  assistance?: string;
  selfPay?: string;
  missing: { payer: string; reason: string }[];
}

const FIGURES = ['total', 'basic', 'criticalIllness', 'assistance', 'selfPay'] as const;
const figures = (s: Record<string, unknown>) => Object.fromEntries(FIGURES.map((f) => [f, s[f]]));

/**
 * Pre-settlement (试算) through the running system: basic decides its part and asks 大病 and then
 * assistance for theirs with its service token; the preview records nothing, equals the slip
 * of the same claim submitted next, and names a part a payer does not give.
 */
describe('POST /claims/preview: the slip a claim would have, in one request, recording nothing', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
  }, 120_000);

  const asHospital = (claim: ClaimDto) => system.clients.basic.as({ role: 'hospital', hospital: claim.hospital.id });
  const preview = async (claim: ClaimDto) => {
    const answer = await asHospital(claim).post<Preview>('/claims/preview', claim);
    expect(answer.status).toBe(200);
    return answer.body;
  };

  it('previews the seed example (basic 56000, 大病 22000, self-pay 22000) and records nothing until it is submitted', async () => {
    const scenario = loadScenario('seed-2015-example.json');
    const ids = new IdMap(randomTag());
    const steps = scenario.steps.map((s) => mapStep(s, ids));
    for (const step of steps.filter((s) => s.op !== 'submitClaim')) await applyStep(system.clients, step);
    const claim = (steps.find((s) => s.op === 'submitClaim') as { claim: ClaimDto }).claim;

    const previewed = await preview(claim);
    expect(previewed).toMatchObject({
      status: 'PREVIEW',
      basic: '56000.00',
      criticalIllness: '22000.00',
      assistance: '0.00',
      selfPay: '22000.00',
      missing: [],
    });
    await system.caughtUp();
    expect((await system.clients.basic.get(`/claims/${claim.claimId}`)).status).toBe(404);
    expect((await system.clients.audit.get<{ events: unknown[] }>(`/claims/${claim.claimId}/history`)).body.events ?? []).toEqual([]);

    // a preview of a recorded claim is answered as if corrected, and records nothing either
    await applyStep(system.clients, { op: 'submitClaim', claim });
    await system.caughtUp();
    const halved = { ...claim, items: claim.items.map((i) => ({ ...i, amount: String(Number(i.amount) / 2) })) };
    expect(await preview(halved)).toMatchObject({ basic: '28000.00', criticalIllness: '11000.00' });
    await system.caughtUp();
    expect((await system.clients.basic.get(`/claims/${claim.claimId}`)).body).toMatchObject({ version: 1, basic: '56000.00' });
  }, 120_000);

  it('over a generated workload, every preview equals the settled slip of the same claim submitted next', async () => {
    const tag = randomTag();
    const workload = generateWorkload({
      seed: 4711,
      tag,
      regions: [`PV${tag}`.slice(0, 12)],
      year: 2024,
      people: 8,
      claims: 30,
      eligibleShare: 0.5,
    });
    for (const step of workloadSetupSteps(workload, demoPolicies())) await applyStep(system.clients, step);
    for (const grant of workload.grants) await applyStep(system.clients, { op: 'grantEligibility', ...grant });
    await system.caughtUp();
    const mismatches: unknown[] = [];
    for (const claim of workload.claims) {
      const previewed = await preview(claim);
      await applyStep(system.clients, { op: 'submitClaim', claim });
      await system.caughtUp();
      const slip = (await system.clients.basic.get<Record<string, unknown>>(`/claims/${claim.claimId}`)).body;
      if (JSON.stringify(figures(slip)) !== JSON.stringify(figures(previewed as never)) || previewed.missing.length > 0)
        mismatches.push({ claimId: claim.claimId, previewed, slip: figures(slip) });
    }
    expect(mismatches).toEqual([]);

    // the FHIR balances carry each payer's annual cap, 大病's and assistance's asked of them (demo: 300000 basic and 大病; no grant, no assistance cap)
    const granted = new Set(workload.grants.map((g) => g.personId));
    const plain = workload.claims.find((c) => !granted.has(c.personId))!;
    const eob = (
      await system.clients.basic.get<{ benefitBalance: { financial: { allowedMoney?: { value: number } }[] }[] }>(
        `/claims/${plain.claimId}/fhir`,
      )
    ).body;
    expect(eob.benefitBalance.map((b) => b.financial[0].allowedMoney?.value ?? null)).toEqual([300000, 300000, null]);
  }, 300_000);

  it('names the part a payer does not give (assistance stopped), and never guesses it', async () => {
    const scenario = loadScenario('seed-2015-example.json');
    const ids = new IdMap(randomTag());
    const steps = scenario.steps.map((s) => mapStep(s, ids));
    for (const step of steps.filter((s) => s.op !== 'submitClaim')) await applyStep(system.clients, step);
    const claim = (steps.find((s) => s.op === 'submitClaim') as { claim: ClaimDto }).claim;
    await system.kill('medical-assistance', 'SIGKILL');
    try {
      const previewed = await preview(claim);
      expect(previewed).toMatchObject({ basic: '56000.00', criticalIllness: '22000.00' });
      expect(previewed.assistance).toBeUndefined();
      expect(previewed.selfPay).toBeUndefined();
      expect(previewed.missing).toEqual([{ payer: 'assistance', reason: expect.stringMatching(/UNREACHABLE|NO_ANSWER/) }]);
    } finally {
      await system.restart('medical-assistance');
    }
  }, 120_000);

  it('refuses a token of another hospital (403) and a claim with a declared category (400)', async () => {
    const claim = generateWorkload({ seed: 1, tag: randomTag(), regions: ['PVX'], year: 2024, people: 1, claims: 1 }).claims[0];
    const other = await system.clients.basic.as({ role: 'hospital', hospital: 'SOMEONE-ELSE' }).post('/claims/preview', claim);
    expect(other.status).toBe(403);
    const declared = await asHospital(claim).post('/claims/preview', { ...claim, items: [{ ...claim.items[0], category: 'A' }] });
    expect(declared.status).toBe(400);
  }, 60_000);
});
