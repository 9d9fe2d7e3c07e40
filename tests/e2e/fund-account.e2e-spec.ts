import { applyStep, IdMap, loadScenario, mapStep, randomTag, TestSystem } from '@msb/testing';

interface Problem {
  status: number;
  errors: { path: string; message: string }[];
}

/** The rows of a CSV answer as records (header row first, CRLF, no quoted fields in these reports). */
const csvRecords = (text: string): Record<string, string>[] => {
  const [header, ...lines] = text.split('\r\n').filter((l) => l !== '');
  const columns = header.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [columns[i], v])));
};

/**
 * The 大病 fund account (单独核算) and its year-end settlement (年度清算), end to end, on the seed
 * example (basic 56000.00, 大病 22000.00). The contract: 500 insured × 800.00 × 0.05 = premium
 * 20000.00; operating cost 8% = 1600.00; profit cap 5% = 1000.00; the basic fund bears 60% of a
 * policy loss. Closed at 22000.00 paid: result 20000 − 22000 − 1600 = −3600.00, declared a policy
 * loss, so basic bears 3600 × 0.60 = 2160.00. Then 大病's catalogue no longer admits the 20000
 * (追回 10000.00, after the close): paid 12000.00, result 6400.00, and the re-settlement
 * (revision 2) returns 6400 − 1000 = 5400.00 to the basic fund, which books the latest revision.
 */
describe('the 大病 fund account and its year-end settlement through the running system', () => {
  let system: TestSystem;
  const ids = new IdMap(randomTag());
  const scenario = loadScenario('seed-2015-example.json');
  const region = ids.region('000000');
  const year = 2012;
  const contract = {
    insured: 500,
    perCapitaBasicFunding: '800.00',
    fundingRate: '0.05',
    operatingCostRate: '0.08',
    profitCapRate: '0.05',
    policyLossShareOfBasic: '0.60',
  };
  const policyLoss = { reason: 'basic inpatient deductible abolished mid-year', basicPolicyRevision: 1 };
  const ci = () => system.clients.criticalIllness;
  const basic = () => system.clients.basic;

  beforeAll(async () => {
    system = await TestSystem.shared();
    for (const step of scenario.steps) await applyStep(system.clients, mapStep(step, ids));
    await system.caughtUp();
  }, 300_000);

  afterAll(async () => {
    await system?.stop();
  }, 120_000);

  it('refuses a contract below the seeds’ floors, listing both problems with their rule, and records nothing', async () => {
    const refused = await ci().put<Problem>(`/contracts/${region}/${year}`, { ...contract, fundingRate: '0.04', profitCapRate: '0.06' });
    expect(refused.status).toBe(400);
    expect(refused.contentType).toContain('application/problem+json');
    expect(refused.body.errors).toEqual([
      {
        path: '/fundingRate',
        message: expect.stringMatching(/^seed 003 §二: the 大病 fund is at least 5% of the prior year's per-capita basic funding/),
      },
      { path: '/profitCapRate', message: expect.stringMatching(/^seed 003 §五: the insurer's profit is held within 5% \(保本微利/) },
    ]);
    // a field wrong on its own is listed beside the floors
    const worse = await ci().put<Problem>(`/contracts/${region}/${year}`, { ...contract, insured: 0, fundingRate: '0.01' });
    expect(worse.body.errors.map((e) => e.path)).toEqual(['/insured', '/fundingRate']);
    expect((await ci().get(`/contracts/${region}/${year}`)).status).toBe(404);
    // without a contract the account has no premium, and the year cannot be closed (422)
    expect((await ci().get(`/reports/fund/${region}/${year}`)).body).toMatchObject({
      claimsPaid: '22000.00',
      contractRevision: null,
      premium: null,
      result: null,
      profitRate: null,
      settled: false,
      surplusReturned: '0.00',
    });
    expect((await ci().post<Problem>(`/settlements/${region}/${year}`, {})).status).toBe(422);
  });

  it('records the contract as revision 1 with its premium; the same contract again changes nothing; a stale If-Match is 409', async () => {
    const put = await ci().put(`/contracts/${region}/${year}`, contract);
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ region, year, revision: 1, premium: '20000.00' });
    expect((await ci().put(`/contracts/${region}/${year}`, contract)).body).toEqual({ region, year, revision: 1, premium: '20000.00' });
    expect((await ci().put(`/contracts/${region}/${year}`, { ...contract, insured: 501 }, { 'if-match': '"0"' })).status).toBe(409);
    const shown = await ci().get<Record<string, unknown>>(`/contracts/${region}/${year}`);
    expect(shown.body).toEqual({ region, year, revision: 1, recordedAt: expect.any(String), contract, premium: '20000.00' });
    // published once (critical-illness.ContractRevised): the public summary's 筹资标准, 800.00 × 0.05 = 40.00 a person
    await system.caughtUp();
    const summary = await system.clients.audit.as('auditor').get<{ funding: unknown }>(`/reports/summary/${region}/${year}`);
    expect(summary.body.funding).toEqual({
      contractRevision: 1,
      insured: 500,
      priorYearBasicPerCapita: '800.00',
      fundingRate: '0.05',
      criticalIllnessPerCapita: '40.00',
      criticalIllnessPremium: '20000.00',
    });
  });

  it('shows the account before the close: premium 20000.00, paid 22000.00, operating cost 1600.00, result −3600.00', async () => {
    const report = await ci().get(`/reports/fund/${region}/${year}`);
    expect(report.status).toBe(200);
    expect(report.body).toEqual({
      region,
      year,
      paid: '22000.00',
      people: 1,
      claimCount: 1,
      settlements: { count: 1, amount: '22000.00' },
      adjustments: { count: 0, topUps: '0.00', clawBacks: '0.00', byReason: {} },
      contractRevision: 1,
      premium: '20000.00',
      claimsPaid: '22000.00',
      operatingCost: '1600.00',
      result: '-3600.00',
      profitRate: '-0.1800',
      allowedProfit: '1000.00',
      settled: false,
      settlementRevision: null,
      settledAt: null,
      surplusReturned: '0.00',
      basicLossShare: '0.00',
      postCloseAdjustments: { count: 0, amount: '0.00' },
    });
  });

  it('closes the year with a declared policy loss: basic bears 60% of 3600.00 = 2160.00, and books it', async () => {
    const closed = await ci().post(`/settlements/${region}/${year}`, { policyLoss });
    expect(closed.status).toBe(201);
    expect(closed.body).toEqual({
      region,
      year,
      revision: 1,
      contractRevision: 1,
      premium: '20000.00',
      claimsPaid: '22000.00',
      operatingCost: '1600.00',
      result: '-3600.00',
      allowedProfit: '1000.00',
      surplusReturned: '0.00',
      basicLossShare: '2160.00',
      policyLoss,
      settledAt: expect.any(String),
    });
    await system.caughtUp();
    const booked = await basic().get(`/reports/fund/${region}/${year}`);
    expect(booked.status).toBe(200);
    expect(booked.body).toEqual({
      region,
      year,
      paid: '56000.00',
      people: 1,
      claimCount: 1,
      settlements: { count: 1, amount: '56000.00' },
      adjustments: { count: 0, topUps: '0.00', clawBacks: '0.00', byReason: {} },
      fromCriticalIllness: {
        surplusReturned: '0.00',
        basicLossShare: '2160.00',
        settlementRevision: 1,
        settledAt: (closed.body as { settledAt: string }).settledAt,
        policyLoss,
      },
      // 56000.00 − 0.00 + 2160.00
      net: '58160.00',
    });
  });

  it('shows a payment after the close as a post-close adjustment; the re-settlement (revision 2) takes it in and returns 5400.00', async () => {
    // 大病 no longer admits the 20000 outside basic scope: 22000 → 12000, a 追回 of 10000.00 after the close
    expect((await ci().put(`/catalogue/${region}/${year}`, { covered: [] })).status).toBe(200);
    await system.caughtUp();
    expect((await ci().get(`/reports/fund/${region}/${year}`)).body).toMatchObject({
      paid: '12000.00',
      adjustments: { count: 1, topUps: '0.00', clawBacks: '-10000.00' },
      claimsPaid: '12000.00',
      result: '6400.00',
      profitRate: '0.3200',
      settled: true,
      settlementRevision: 1,
      surplusReturned: '0.00',
      basicLossShare: '2160.00',
      postCloseAdjustments: { count: 1, amount: '-10000.00' },
    });

    const again = await ci().post(`/settlements/${region}/${year}`);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({
      revision: 2,
      claimsPaid: '12000.00',
      result: '6400.00',
      surplusReturned: '5400.00',
      basicLossShare: '0.00',
      policyLoss: null,
    });
    // closing again with nothing changed answers revision 2 again
    const repeated = await ci().post(`/settlements/${region}/${year}`, {});
    expect(repeated.status).toBe(200);
    expect(repeated.body).toEqual(again.body);
    const settlements = await ci().get<{ revision: number; postCloseAdjustments: object; history: { revision: number }[] }>(
      `/settlements/${region}/${year}`,
    );
    expect(settlements.body).toMatchObject({ revision: 2, surplusReturned: '5400.00', postCloseAdjustments: { count: 0, amount: '0.00' } });
    expect(settlements.body.history.map((h) => h.revision)).toEqual([2, 1]);

    await system.caughtUp();
    expect((await basic().get(`/reports/fund/${region}/${year}`)).body).toMatchObject({
      paid: '56000.00',
      fromCriticalIllness: { surplusReturned: '5400.00', basicLossShare: '0.00', settlementRevision: 2, policyLoss: null },
      // 56000.00 − 5400.00 + 0.00
      net: '50600.00',
    });
  });

  it('gives both fund reports as CSV with Accept: text/csv', async () => {
    const ciCsv = await ci().get<string>(`/reports/fund/${region}/${year}`, { accept: 'text/csv' });
    expect(ciCsv.status).toBe(200);
    expect(ciCsv.contentType).toContain('text/csv');
    const [row, ...more] = csvRecords(ciCsv.body);
    expect(more).toEqual([]);
    expect(row).toMatchObject({
      region,
      year: String(year),
      premium: '20000.00',
      claimsPaid: '12000.00',
      operatingCost: '1600.00',
      result: '6400.00',
      profitRate: '0.3200',
      allowedProfit: '1000.00',
      surplusReturned: '5400.00',
      basicLossShare: '0.00',
      settled: 'true',
      settlementRevision: '2',
      'postCloseAdjustments.count': '0',
    });
    const basicCsv = await basic().get<string>(`/reports/fund/${region}/${year}`, { accept: 'text/csv' });
    expect(basicCsv.contentType).toContain('text/csv');
    expect(csvRecords(basicCsv.body)).toEqual([
      expect.objectContaining({
        paid: '56000.00',
        'fromCriticalIllness.surplusReturned': '5400.00',
        'fromCriticalIllness.settlementRevision': '2',
        net: '50600.00',
      }),
    ]);
  });

  it('refuses another role or another region (403) and records nothing', async () => {
    const before = (await ci().get<{ revision: number }>(`/settlements/${region}/${year}`)).body.revision;
    const basicOfficerAtCi = ci().as({ role: 'basic-officer', audience: ['critical-illness'] });
    expect((await basicOfficerAtCi.post(`/settlements/${region}/${year}`, {})).status).toBe(403);
    expect((await basicOfficerAtCi.put(`/contracts/${region}/${year}`, contract)).status).toBe(403);
    expect((await basicOfficerAtCi.get(`/reports/fund/${region}/${year}`)).status).toBe(403);
    const elsewhere = ci().as({ role: 'insurer-officer', regions: ['999999'] });
    expect((await elsewhere.post(`/settlements/${region}/${year}`, {})).status).toBe(403);
    expect((await elsewhere.get(`/contracts/${region}/${year}`)).status).toBe(403);
    expect(
      (
        await basic()
          .as({ role: 'insurer-officer', audience: ['basic-insurance'] })
          .get(`/reports/fund/${region}/${year}`)
      ).status,
    ).toBe(403);
    expect(
      (
        await basic()
          .as({ role: 'basic-officer', regions: ['999999'] })
          .get(`/reports/fund/${region}/${year}`)
      ).status,
    ).toBe(403);
    expect((await ci().get<{ revision: number }>(`/settlements/${region}/${year}`)).body.revision).toBe(before);
  });
});
