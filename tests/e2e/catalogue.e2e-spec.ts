import { applyStep, IdMap, loadScenario, mapStep, randomTag, TestSystem, validateFhir } from '@msb/testing';

/**
 * The agencies' registries decide what a claim is worth, end to end: the seed example
 * (80,000 in scope, 20,000 outside it that 大病 admits) through the running services, then
 * each registry revised and the claim recalculated; an unlisted code is self-paid with its
 * reason; the slip as FHIR validates with HAPI FHIR.
 */
describe('catalogues and the hospital registry through the running system', () => {
  let system: TestSystem;
  const ids = new IdMap(randomTag());
  const scenario = loadScenario('seed-2015-example.json');
  const region = ids.region('000000');
  const claimId = ids.claim('SEED-1');

  beforeAll(async () => {
    system = await TestSystem.shared();
    for (const step of scenario.steps) await applyStep(system.clients, mapStep(step, ids));
    await system.caughtUp();
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
  }, 120_000);

  const slip = async (id = claimId) => (await system.clients.basic.get<Record<string, unknown>>(`/claims/${id}`)).body;

  it('settles the seed example on the catalogues: basic 56000, 大病 22000 (its catalogue admits the 20000)', async () => {
    expect(await slip()).toMatchObject({
      status: 'SETTLED',
      policyScope: '80000.00',
      basic: '56000.00',
      criticalIllness: '22000.00',
      outOfScope: '20000.00',
    });
  });

  it('serves the slip as an ExplanationOfBenefit that HAPI FHIR validates with 0 errors', async () => {
    const answer = await system.clients.basic.get<Record<string, unknown>>(`/claims/${claimId}/fhir`);
    expect(answer.status).toBe(200);
    expect(String(answer.headers['content-type'])).toContain('application/fhir+json');
    expect(answer.body).toMatchObject({ resourceType: 'ExplanationOfBenefit' });
    const [validation] = await validateFhir([answer.body]);
    expect(validation.errors).toEqual([]);
  }, 180_000);

  it('a 大病 catalogue revision that no longer admits the 20000 recalculates 大病 to 50% of 24000', async () => {
    const put = await system.clients.criticalIllness.put(`/catalogue/${region}/2012`, { covered: [] });
    expect(put.status).toBe(200);
    await system.caughtUp();
    expect(await slip()).toMatchObject({ basic: '56000.00', criticalIllness: '12000.00', selfPay: '32000.00' });
  }, 120_000);

  it('a basic catalogue revision that makes the in-scope item class B (its ratio 0.25) recalculates basic and 大病', async () => {
    const put = await system.clients.basic.put(`/catalogue/${region}/2012`, {
      items: { 'IN-SCOPE': { category: 'B', selfPayRatio: '0.25' }, 'OUT-OF-SCOPE': { category: 'C' } },
    });
    expect(put.status).toBe(200);
    await system.caughtUp();
    // scope 80000 × 0.75 = 60000; basic 70% = 42000; 大病 50% of (60000 − 42000) = 9000
    expect(await slip()).toMatchObject({ policyScope: '60000.00', basic: '42000.00', criticalIllness: '9000.00' });
  }, 120_000);

  it("the hospital's adjustment feed lists each 追回 of the two revisions in order, page by page from the cursor; another hospital is refused", async () => {
    const hospital = ids.hospital('H1');
    const feed = (query: string, as = hospital) =>
      system.clients.basic
        .as({ role: 'hospital', hospital: as })
        .get<{ adjustments: { claimId: string; payer: string; amount: string; reason: string }[]; next: string | null }>(
          `/hospitals/${hospital}/adjustments${query}`,
        );
    const first = await feed('?limit=1');
    expect(first.status).toBe(200);
    expect(first.body.adjustments).toHaveLength(1);
    const rest = await feed(`?after=${first.body.next}&limit=100`);
    const all = [...first.body.adjustments, ...rest.body.adjustments];
    // 大病 22000 → 12000, then basic 56000 → 42000 and 大病 12000 → 9000
    expect(all.map((a) => [a.claimId, a.payer, a.amount, a.reason])).toEqual([
      [claimId, 'criticalIllness', '-10000.00', 'POLICY_REVISED'],
      [claimId, 'basic', '-14000.00', 'POLICY_REVISED'],
      [claimId, 'criticalIllness', '-3000.00', expect.any(String)],
    ]);
    expect((await feed(`?after=${rest.body.next}`)).body.adjustments).toEqual([]);
    expect((await feed('', ids.hospital('H-OTHER'))).status).toBe(403);
  }, 60_000);

  /** A claim of the seed's person at its hospital, with fresh ids. */
  const seedClaim = (id: string, items: object[]) => ({
    claimId: ids.claim(id),
    personId: ids.person('P1'),
    region,
    hospital: { id: ids.hospital('H1') },
    visitType: 'INPATIENT',
    admissionDate: '2012-06-01',
    serviceDate: '2012-06-20',
    diagnosis: ['C34.9'],
    items,
  });
  const asHospital = () => system.clients.basic.as({ role: 'hospital', hospital: ids.hospital('H1') });

  it('an item code the catalogue does not list is self-paid and shown with NOT_IN_CATALOGUE', async () => {
    const posted = await asHospital().post(
      '/claims',
      seedClaim('SEED-2', [{ code: 'NEW-DRUG', amount: '500', quantity: '2', unitPrice: '250' }]),
    );
    expect(posted.status).toBe(202);
    await system.caughtUp();
    expect(await slip(ids.claim('SEED-2'))).toMatchObject({
      status: 'SETTLED',
      basic: '0.00',
      selfPay: '500.00',
      notInCatalogue: [{ code: 'NEW-DRUG', amount: '500.00', reason: 'NOT_IN_CATALOGUE' }],
    });
  }, 120_000);

  it('a hospital sending a category is refused with 400; a claim from an undesignated hospital with 422; neither is recorded', async () => {
    const declared = await asHospital().post<{ errors: { path: string; message: string }[] }>(
      '/claims',
      seedClaim('SEED-3', [{ code: 'IN-SCOPE', amount: '10', category: 'A' }]),
    );
    expect(declared.status).toBe(400);
    expect(declared.body.errors).toEqual([{ path: '/items/0/category', message: expect.stringContaining('catalogue') }]);

    const hospital = ids.hospital('H1');
    expect((await system.clients.basic.get(`/hospitals/${hospital}`)).body).toMatchObject({ level: 3, region, designated: true });
    expect((await system.clients.basic.put(`/hospitals/${hospital}`, { name: 'H1', level: 3, region, designated: false })).status).toBe(
      200,
    );
    const refused = await asHospital().post<{ errors: { path: string }[] }>(
      '/claims',
      seedClaim('SEED-3', [{ code: 'IN-SCOPE', amount: '10' }]),
    );
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ path: '/hospital/id' })]);
    expect((await system.clients.basic.get(`/claims/${ids.claim('SEED-3')}`)).status).toBe(404);
  }, 120_000);
});
