import { applyStep, IdMap, loadScenario, mapStep, randomTag, TestSystem } from '@msb/testing';

interface Statement {
  hospitalId: string;
  month: string;
  payer: string;
  claims: number;
  settled: string;
  topUps: string;
  clawBacks: string;
  net: string;
  lines: { claimId: string; settled: string; topUps: string; clawBacks: string; net: string }[];
}

/**
 * Every payer's statement to a hospital (对账单) and its reconciliation (对总账, 对明细账), end to
 * end: the seed example settled (basic 56000, 大病 22000), then both catalogues revised so that
 * each payer claws back (追回); the statements of the month show the settlements and the 追回.
 */
describe('statements and reconciliation through the running system', () => {
  let system: TestSystem;
  const ids = new IdMap(randomTag());
  const scenario = loadScenario('seed-2015-example.json');
  const region = ids.region('000000');
  const claimId = ids.claim('SEED-1');
  const hospital = ids.hospital('H1');
  // payments are stated in the month (UTC) they were decided: now
  const month = new Date().toISOString().slice(0, 7);

  beforeAll(async () => {
    system = await TestSystem.shared();
    for (const step of scenario.steps) await applyStep(system.clients, mapStep(step, ids));
    await system.caughtUp();
    // 大病 no longer admits the 20000 (22000 → 12000); then basic's in-scope item is class B (56000 → 42000, 大病 → 9000)
    expect((await system.clients.criticalIllness.put(`/catalogue/${region}/2012`, { covered: [] })).status).toBe(200);
    await system.caughtUp();
    const basicCatalogue = { items: { 'IN-SCOPE': { category: 'B', selfPayRatio: '0.25' }, 'OUT-OF-SCOPE': { category: 'C' } } };
    expect((await system.clients.basic.put(`/catalogue/${region}/2012`, basicCatalogue)).status).toBe(200);
    await system.caughtUp();
  }, 300_000);

  afterAll(async () => {
    await system?.stop();
  }, 120_000);

  // a hospital's token names the payer it calls (the local issuer's default names all three)
  const AUDIENCE = { basic: 'basic-insurance', criticalIllness: 'critical-illness', assistance: 'medical-assistance' } as const;
  const asHospital = (client: keyof typeof AUDIENCE, id = hospital) =>
    system.clients[client].as({ role: 'hospital', hospital: id, audience: [AUDIENCE[client]] });

  it("basic's statement: settled 56000.00 and the 追回 of 14000.00, net 42000.00", async () => {
    const answer = await asHospital('basic').get<Statement>(`/statements/${hospital}/${month}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      hospitalId: hospital,
      month,
      payer: 'basic',
      claims: 1,
      settled: '56000.00',
      topUps: '0.00',
      clawBacks: '-14000.00',
      net: '42000.00',
      lines: [{ claimId, settled: '56000.00', topUps: '0.00', clawBacks: '-14000.00', net: '42000.00' }],
    });
  });

  it("大病's statement: settled 22000.00, 追回 10000.00 and 3000.00, net 9000.00; its officer reads it too", async () => {
    const answer = await asHospital('criticalIllness').get<Statement>(`/statements/${hospital}/${month}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      payer: 'critical-illness',
      claims: 1,
      settled: '22000.00',
      topUps: '0.00',
      clawBacks: '-13000.00',
      net: '9000.00',
      lines: [{ claimId, net: '9000.00' }],
    });
    expect((await system.clients.criticalIllness.get<Statement>(`/statements/${hospital}/${month}`)).body).toEqual(answer.body);
  });

  it("assistance's statement lists the claim (its hospital passed on by 大病) at what the slip shows of assistance", async () => {
    const slip = (await system.clients.basic.get<{ assistance: string }>(`/claims/${claimId}`)).body;
    const answer = await asHospital('assistance').get<Statement>(`/statements/${hospital}/${month}`);
    expect(answer.status).toBe(200);
    // the seed's person has no assistance grant: settled at 0.00, still a payment to the hospital's claim
    expect(answer.body).toMatchObject({ payer: 'assistance', claims: 1, net: slip.assistance, lines: [{ claimId, net: slip.assistance }] });
  });

  it("a hospital reading or reconciling another's is refused (403); another month states nothing", async () => {
    const other = asHospital('basic', ids.hospital('H-OTHER'));
    expect((await other.get(`/statements/${hospital}/${month}`)).status).toBe(403);
    expect((await other.post(`/reconciliations/${hospital}/${month}`, { net: '42000.00' })).status).toBe(403);
    expect((await asHospital('criticalIllness', ids.hospital('H-OTHER')).get(`/statements/${hospital}/${month}`)).status).toBe(403);
    expect((await asHospital('basic').get<Statement>(`/statements/${hospital}/2000-01`)).body).toMatchObject({
      claims: 0,
      net: '0.00',
      lines: [],
    });
  });

  it('with Accept: text/csv, the lines as CSV under a header row', async () => {
    const answer = await asHospital('basic').get<string>(`/statements/${hospital}/${month}`, { accept: 'text/csv' });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toContain('text/csv');
    expect(answer.body.split('\r\n')).toEqual(['claimId,settled,topUps,clawBacks,net', `${claimId},56000.00,0.00,-14000.00,42000.00`, '']);
  });

  it('a reconciliation with the right net matches; a wrong line and a claim the payer does not know are listed', async () => {
    const reconcile = (body: unknown) =>
      asHospital('basic').post<{ matched: boolean; totals: object; lines: object[] }>(`/reconciliations/${hospital}/${month}`, body);
    expect((await reconcile({ net: '42000.00' })).body).toEqual({ matched: true, totals: {}, lines: [] });
    const wrong = await reconcile({
      net: '56000.00',
      settled: '56000.00',
      lines: [
        { claimId, net: '56000.00' },
        { claimId: ids.claim('UNKNOWN'), net: '10.00' },
      ],
    });
    expect(wrong.status).toBe(200);
    expect(wrong.body).toEqual({
      matched: false,
      totals: { net: { ours: '42000.00', theirs: '56000.00' } },
      lines: [
        { claimId, ours: '42000.00', theirs: '56000.00' },
        { claimId: ids.claim('UNKNOWN'), ours: null, theirs: '10.00' },
      ],
    });
  });

  it('bad figures or a bad month are refused with 400 listing every problem', async () => {
    const bad = await asHospital('criticalIllness').post<{ errors: { path: string }[] }>(`/reconciliations/${hospital}/${month}`, {
      settled: '1.5',
      lines: [{ claimId, net: 'x' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['/net', '/settled', '/lines/0/net']));
    const badMonth = await asHospital('basic').get<{ errors: { path: string }[] }>(`/statements/${hospital}/2026-13`);
    expect(badMonth.status).toBe(400);
    expect(badMonth.body.errors.map((e) => e.path)).toEqual(['/month']);
  });
});
