import { applyStep, IdMap, randomTag, TestSystem } from '@msb/testing';

interface Listed {
  claimId: string;
  personId: string;
  hospitalId: string;
  status: string;
  receivedAt: string;
  assistance: string;
  [field: string]: unknown;
}
interface Page {
  items: Listed[];
  nextCursor: string | null;
}
interface Problem {
  status: number;
  errors?: { path: string; message: string }[];
}

/**
 * Grants that end on a date or change, end to end, and the claims search. Policy of the
 * region-year: basic pays 50% of everything in scope (no deductible), 大病's threshold is never
 * reached, so each 2000.00 claim leaves 1000.00 to assistance: 低保 (MINIMUM_LIVING) 80% → 800.00
 * a claim, 特困 (EXTREME_POVERTY) 100% → 1000.00, 低保边缘 (LOW_INCOME) 50% capped at 1500.00 a year.
 *
 * P1 (低保 from 2024-01-01): claims in March, June and November, 800.00 each; revoked from
 * 2024-10-01, March and June keep theirs and November's is clawed back (追回 −800.00).
 * P2 (低保): one claim, 800.00; revoked without a date (void), clawed back.
 * P3 (低保边缘): two claims, 500.00 each (A(1000) = 500, A(2000) = 1000); amended to 特困: 1000.00 each.
 * P4 (低保边缘): one claim of 7000.00, basic 3500.00, A(3500) = min(1500, 1750) = 1500.00: at the cap.
 */
describe('dated revocations, amended grants, the assistance report and the claims search', () => {
  let system: TestSystem;
  const ids = new IdMap(randomTag());
  const region = ids.region('440300');
  const [H1, H2] = [ids.hospital('H1'), ids.hospital('H2')];
  const [P1, P2, P3, P4] = ['P1', 'P2', 'P3', 'P4'].map(ids.person);
  const [G1, G2, G3, G4] = ['G1', 'G2', 'G3', 'G4'].map(ids.grant);
  const claim = (id: string) => ids.claim(id);
  // claims in the order they are received
  const CLAIMS = [
    { id: 'C1', person: P1, hospital: H1, date: '2024-03-10', amount: '2000' },
    { id: 'C2', person: P1, hospital: H1, date: '2024-06-15', amount: '2000' },
    { id: 'C3', person: P1, hospital: H1, date: '2024-11-05', amount: '2000' },
    { id: 'D1', person: P2, hospital: H1, date: '2024-05-01', amount: '2000' },
    { id: 'E1', person: P3, hospital: H2, date: '2024-02-01', amount: '2000' },
    { id: 'E2', person: P3, hospital: H2, date: '2024-04-01', amount: '2000' },
    { id: 'F1', person: P4, hospital: H2, date: '2024-03-01', amount: '7000' },
  ];
  const table = (rate: string) => ({ '1': { deductible: '0', rate }, '2': { deductible: '0', rate }, '3': { deductible: '0', rate } });
  const today = new Date().toISOString().slice(0, 10);
  const dayFrom = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

  const assistance = () => system.clients.assistance;
  const officer = (regions: string[]) => system.clients.basic.as({ role: 'basic-officer', regions });
  const hospital = (id: string) => system.clients.basic.as({ role: 'hospital', hospital: id });
  const slip = async (id: string) =>
    (
      await system.clients.basic.get<{
        status: string;
        assistance: string;
        adjustments: { payer: string; amount: string; reason: string }[];
      }>(`/claims/${claim(id)}`)
    ).body;
  const assistanceOf = async (person: string) => {
    const ledger = await assistance().get<{ category: string | null; paid: string; claims: { claimId: string; paid: string }[] }>(
      `/ledgers/${region}/${person}/2024`,
    );
    return {
      category: ledger.body.category,
      paid: ledger.body.paid,
      claims: Object.fromEntries(ledger.body.claims.map((c) => [c.claimId, c.paid])),
    };
  };
  const patch = <T>(path: string, body: unknown, headers: Record<string, string> = {}) =>
    assistance().request<T>('PATCH', path, body, headers);

  beforeAll(async () => {
    system = await TestSystem.shared();
    const c = system.clients;
    await applyStep(c, {
      op: 'putPolicy',
      region,
      year: 2024,
      basic: {
        annualCap: '500000',
        classBSelfPayRatio: '0.10',
        inpatient: table('0.50'),
        outpatientChronic: table('0.50'),
        outpatient: table('0.50'),
      },
      criticalIllness: { threshold: '1000000', bands: [{ rate: '0.50' }] },
      assistance: {
        priority: ['EXTREME_POVERTY', 'MINIMUM_LIVING', 'LOW_INCOME'],
        categories: {
          EXTREME_POVERTY: { threshold: '0', bands: [{ rate: '1.00' }], annualCap: '100000' },
          MINIMUM_LIVING: { threshold: '0', bands: [{ rate: '0.80' }], annualCap: '100000' },
          LOW_INCOME: { threshold: '0', bands: [{ rate: '0.50' }], annualCap: '1500' },
        },
      },
    });
    await applyStep(c, {
      op: 'putCatalogue',
      region,
      year: 2024,
      basic: { items: { 'A-ITEM': { category: 'A' } } },
      criticalIllness: { covered: [] },
    });
    for (const id of [H1, H2])
      await applyStep(c, { op: 'putHospital', hospitalId: id, hospital: { name: `Hospital ${id}`, level: 3, region, designated: true } });
    const grants: [string, string, 'MINIMUM_LIVING' | 'LOW_INCOME'][] = [
      [G1, P1, 'MINIMUM_LIVING'],
      [G2, P2, 'MINIMUM_LIVING'],
      [G3, P3, 'LOW_INCOME'],
      [G4, P4, 'LOW_INCOME'],
    ];
    for (const [grantId, personId, category] of grants)
      await applyStep(c, { op: 'grantEligibility', grantId, personId, category, validFrom: '2024-01-01' });
    for (const x of CLAIMS)
      await applyStep(c, {
        op: 'submitClaim',
        claim: {
          claimId: claim(x.id),
          personId: x.person,
          region,
          hospital: { id: x.hospital },
          visitType: 'INPATIENT',
          admissionDate: x.date,
          serviceDate: x.date,
          diagnosis: ['C34.9'],
          items: [{ code: 'A-ITEM', amount: x.amount }],
        },
      });
    await system.caughtUp();
  }, 300_000);

  afterAll(async () => {
    await system?.stop();
  }, 120_000);

  it('before any revocation every eligible claim is assisted as the policy says', async () => {
    expect(await assistanceOf(P1)).toEqual({
      category: 'MINIMUM_LIVING',
      paid: '2400.00',
      claims: { [claim('C1')]: '800.00', [claim('C2')]: '800.00', [claim('C3')]: '800.00' },
    });
    expect((await assistanceOf(P3)).claims).toEqual({ [claim('E1')]: '500.00', [claim('E2')]: '500.00' });
    expect(await assistanceOf(P4)).toMatchObject({ category: 'LOW_INCOME', paid: '1500.00' });
  });

  it('refuses bad revocations and amendments, listing every problem, and changes nothing', async () => {
    const revoke = (grantId: string, body: unknown) => assistance().post<Problem>(`/eligibility/${grantId}/revocation`, body);
    expect((await revoke(ids.grant('UNKNOWN'), { effectiveFrom: '2024-10-01' })).status).toBe(404);
    const before = await revoke(G1, { reason: 5, effectiveFrom: '2023-12-31', since: 'x' });
    expect(before.status).toBe(400);
    expect(before.body.errors!.map((e) => e.path).sort()).toEqual(['/effectiveFrom', '/reason', '/since']);
    expect(before.body.errors!.find((e) => e.path === '/effectiveFrom')!.message).toMatch(/before the grant's validFrom \(2024-01-01\)/);
    const malformed = await revoke(G1, { effectiveFrom: '2024-13-01' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors!.map((e) => e.path)).toEqual(['/effectiveFrom']);

    expect((await patch<Problem>(`/eligibility/${G3}`, {})).status).toBe(400);
    const badPatch = await patch<Problem>(`/eligibility/${G3}`, { validTo: '2023-06-30', category: 'RICH' }, { 'if-match': 'x' });
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.errors!.map((e) => e.path).sort()).toEqual(['/category', '/headers/if-match', '/validTo']);
    expect((await patch(`/eligibility/${ids.grant('UNKNOWN')}`, { category: 'EXTREME_POVERTY' })).status).toBe(404);
    expect((await patch(`/eligibility/${G3}`, { category: 'EXTREME_POVERTY' }, { 'if-match': '"7"' })).status).toBe(409);

    const grants = await assistance().get<{ grants: { grantId: string; revision: number; status: string }[] }>(
      `/eligibility?personId=${P1}`,
    );
    expect(grants.body.grants).toEqual([expect.objectContaining({ grantId: G1, revision: 1, status: 'LIVE' })]);
  });

  it('a revocation from 2024-10-01 keeps March and June, claws back November; one without a date voids all; 特困 raises both of P3', async () => {
    const dated = await assistance().post<{ status: string; validTo: string; revokedFrom: string; revision: number }>(
      `/eligibility/${G1}/revocation`,
      { reason: 'left 低保 in October', effectiveFrom: '2024-10-01' },
    );
    expect(dated.status).toBe(200);
    expect(dated.body).toMatchObject({ status: 'REVOKED', validTo: '2024-09-30', revokedFrom: '2024-10-01', revision: 2 });
    const voided = await assistance().post<{ status: string }>(`/eligibility/${G2}/revocation`, { reason: 'granted in error' });
    expect(voided.body).toMatchObject({ status: 'VOID' });
    const amended = await patch<{ category: string; revision: number }>(
      `/eligibility/${G3}`,
      { category: 'EXTREME_POVERTY' },
      { 'if-match': '"1"' },
    );
    expect(amended.status).toBe(200);
    expect(amended.body).toMatchObject({ category: 'EXTREME_POVERTY', revision: 2 });
    // the same amendment again changes nothing and answers the grant as it is
    expect((await patch<{ revision: number }>(`/eligibility/${G3}`, { category: 'EXTREME_POVERTY' })).body.revision).toBe(2);
    await system.caughtUp();

    expect(await assistanceOf(P1)).toEqual({
      category: 'MINIMUM_LIVING',
      paid: '1600.00',
      claims: { [claim('C1')]: '800.00', [claim('C2')]: '800.00', [claim('C3')]: '0.00' },
    });
    const november = await slip('C3');
    expect(november).toMatchObject({ status: 'SETTLED', assistance: '0.00' });
    expect(november.adjustments).toEqual([
      expect.objectContaining({ payer: 'assistance', amount: '-800.00', reason: 'ELIGIBILITY_REVOKED' }),
    ]);
    for (const id of ['C1', 'C2']) expect(await slip(id)).toMatchObject({ status: 'SETTLED', assistance: '800.00', adjustments: [] });

    expect(await assistanceOf(P2)).toEqual({ category: null, paid: '0.00', claims: { [claim('D1')]: '0.00' } });
    expect((await slip('D1')).adjustments).toEqual([expect.objectContaining({ amount: '-800.00', reason: 'ELIGIBILITY_REVOKED' })]);

    expect(await assistanceOf(P3)).toEqual({
      category: 'EXTREME_POVERTY',
      paid: '2000.00',
      claims: { [claim('E1')]: '1000.00', [claim('E2')]: '1000.00' },
    });
    expect((await slip('E1')).adjustments).toEqual([expect.objectContaining({ amount: '500.00', reason: 'ELIGIBILITY_GRANTED' })]);
  }, 180_000);

  it('GET /eligibility shows each grant at its revision with its history; a revoked or void grant is final (409)', async () => {
    const p1 = await assistance().get<{ grants: Record<string, unknown>[] }>(`/eligibility?personId=${P1}`);
    expect(p1.body.grants).toEqual([
      expect.objectContaining({
        grantId: G1,
        validTo: '2024-09-30',
        status: 'REVOKED',
        revoked: true,
        revokedReason: 'left 低保 in October',
        revision: 2,
        history: [
          expect.objectContaining({ revision: 1, change: 'GRANTED', category: 'MINIMUM_LIVING', validFrom: '2024-01-01' }),
          expect.objectContaining({ revision: 2, change: 'REVOKED', validTo: '2024-09-30', effectiveFrom: '2024-10-01' }),
        ],
      }),
    ]);
    const p3 = await assistance().get<{ grants: { revision: number; amendedAt?: string; history: { change: string }[] }[] }>(
      `/eligibility?personId=${P3}`,
    );
    expect(p3.body.grants[0]).toMatchObject({ revision: 2, amendedAt: expect.any(String) });
    expect(p3.body.grants[0].history.map((h) => h.change)).toEqual(['GRANTED', 'AMENDED']);

    expect((await assistance().post(`/eligibility/${G1}/revocation`, { effectiveFrom: '2024-11-01' })).status).toBe(409);
    expect((await assistance().post(`/eligibility/${G2}/revocation`, {})).status).toBe(409);
    expect((await patch(`/eligibility/${G2}`, { category: 'LOW_INCOME' })).status).toBe(409);
  });

  it('the report by category: people, cases, net paid and people at the cap, as JSON and as CSV', async () => {
    const report = await assistance().get<Record<string, unknown>>(`/reports/assistance/${region}/2024`);
    expect(report.status).toBe(200);
    expect(report.body).toEqual({
      region,
      year: 2024,
      policyRevision: 1,
      categories: [
        { category: 'EXTREME_POVERTY', annualCap: '100000.00', people: 1, cases: 2, paid: '2000.00', peopleAtCap: 0 },
        { category: 'MINIMUM_LIVING', annualCap: '100000.00', people: 1, cases: 2, paid: '1600.00', peopleAtCap: 0 },
        { category: 'LOW_INCOME', annualCap: '1500.00', people: 1, cases: 1, paid: '1500.00', peopleAtCap: 1 },
      ],
      totals: { people: 3, cases: 5, paid: '5100.00', peopleAtCap: 1 },
    });
    const csv = await assistance().get<string>(`/reports/assistance/${region}/2024`, { accept: 'text/csv' });
    expect(csv.contentType).toContain('text/csv');
    const lines = csv.body.split('\r\n');
    expect(lines[0]).toBe(
      'region,year,policyRevision,totals.people,totals.cases,totals.paid,totals.peopleAtCap,categories.category,categories.annualCap,categories.people,categories.cases,categories.paid,categories.peopleAtCap',
    );
    expect(lines.slice(1)).toEqual([
      `${region},2024,1,3,5,5100.00,1,EXTREME_POVERTY,100000.00,1,2,2000.00,0`,
      `${region},2024,1,3,5,5100.00,1,MINIMUM_LIVING,100000.00,1,2,1600.00,0`,
      `${region},2024,1,3,5,5100.00,1,LOW_INCOME,1500.00,1,1,1500.00,1`,
      '',
    ]);
    const outside = assistance().as({ role: 'civil-affairs-officer', regions: [ids.region('110000')] });
    expect((await outside.get(`/reports/assistance/${region}/2024`)).status).toBe(403);
  });

  /** Every page from the first, following nextCursor. */
  const allPages = async (client: ReturnType<typeof officer>, query: string) => {
    const pages: Page[] = [];
    let cursor: string | null = null;
    do {
      const answer: { status: number; body: Page } = await client.get<Page>(`/claims?${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(answer.status).toBe(200);
      pages.push(answer.body);
      cursor = answer.body.nextCursor;
    } while (cursor !== null && pages.length < 10);
    return pages;
  };
  const idsOf = (pages: Page[]) => pages.flatMap((p) => p.items.map((i) => i.claimId));

  it('a hospital pages through its own claims two at a time, in order of receipt; another hospital is refused', async () => {
    const pages = await allPages(hospital(H1), 'limit=2');
    expect(pages.map((p) => p.items.length)).toEqual([2, 2]);
    expect(pages[1].nextCursor).toBeNull();
    expect(idsOf(pages)).toEqual(['C1', 'C2', 'C3', 'D1'].map(claim));
    const first = pages[0].items[0];
    expect(Object.keys(first).sort()).toEqual(
      [
        'assistance',
        'basic',
        'claimId',
        'criticalIllness',
        'deductiblePaid',
        'hospitalId',
        'outOfScope',
        'personId',
        'policyScope',
        'receivedAt',
        'region',
        'selfPay',
        'serviceDate',
        'status',
        'total',
        'version',
        'year',
      ].sort(),
    );
    expect(first).toMatchObject({
      personId: P1,
      hospitalId: H1,
      serviceDate: '2024-03-10',
      status: 'SETTLED',
      total: '2000.00',
      basic: '1000.00',
      assistance: '800.00',
      selfPay: '200.00',
    });

    expect((await hospital(H2).get(`/claims?hospitalId=${H1}`)).status).toBe(403);
    expect(idsOf([(await hospital(H2).get<Page>('/claims')).body])).toEqual(['E1', 'E2', 'F1'].map(claim));
  });

  it("an officer pages through its region's claims; another region's officer sees none; filters narrow the list", async () => {
    const mine = officer([region]);
    const pages = await allPages(mine, 'limit=2');
    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 2, 1]);
    expect(idsOf(pages)).toEqual(CLAIMS.map((c) => claim(c.id)));
    const received = pages.flatMap((p) => p.items.map((i) => i.receivedAt));
    expect([...received].sort()).toEqual(received);
    expect((await officer([ids.region('110000')]).get<Page>('/claims')).body).toEqual({ items: [], nextCursor: null });

    const list = async (query: string) => idsOf([(await mine.get<Page>(`/claims?${query}`)).body]);
    expect(await list(`personId=${P1}`)).toEqual(['C1', 'C2', 'C3'].map(claim));
    expect(await list(`hospitalId=${H2}&personId=${P4}`)).toEqual([claim('F1')]);
    expect(await list('status=SETTLED')).toHaveLength(CLAIMS.length);
    expect(await list('status=PENDING')).toEqual([]);
    expect(await list(`from=${today}&to=${today}`)).toHaveLength(CLAIMS.length);
    expect(await list(`from=${dayFrom(1)}`)).toEqual([]);
    expect(await list(`to=${dayFrom(-1)}`)).toEqual([]);

    const bad = await mine.get<Problem>('/claims?limit=501&status=PAID&from=2024-02-30&cursor=nope&sort=asc');
    expect(bad.status).toBe(400);
    expect(bad.body.errors!.map((e) => e.path).sort()).toEqual([
      '/query/cursor',
      '/query/from',
      '/query/limit',
      '/query/sort',
      '/query/status',
    ]);

    const csv = await mine.get<string>(`/claims?personId=${P1}`, { accept: 'text/csv' });
    expect(csv.contentType).toContain('text/csv');
    const lines = csv.body.split('\r\n');
    expect(lines[0].split(',')).toEqual(expect.arrayContaining(['nextCursor', 'items.claimId', 'items.assistance']));
    expect(lines.slice(1, -1).map((l) => l.split(',')[lines[0].split(',').indexOf('items.claimId')])).toEqual(
      ['C1', 'C2', 'C3'].map(claim),
    );
  });
});
