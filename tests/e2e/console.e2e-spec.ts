import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { applyStep, IdMap, loadScenario, mapStep, randomTag, repoRoot, TestSystem } from '@msb/testing';
import type { Browser, Page } from 'playwright-core';

/**
 * Pages, the two region-year reports and the auditor console, end to end on one system: the
 * retroactive-eligibility scenario (two claims settle without assistance; a 特困 grant then tops
 * up 大病 and assistance for both), and the seed example billed twice (a duplicate stay: two
 * flags). The lists are paged over HTTP; the console is driven in headless Chromium (the Debian
 * package, never a downloaded browser). CONSOLE_SCREENSHOT=1 saves docs/console.png.
 */
const CHROMIUM = '/usr/bin/chromium';

interface Problem {
  status: number;
  errors: { path: string; message: string }[];
}

/** The Debian package when missing (as root), or a clear refusal. */
function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  const install = spawnSync('sh', ['-c', 'apt-get update && apt-get install -y chromium'], { stdio: 'inherit' });
  if (install.status !== 0 || !existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing and could not be installed: run "apt-get update && apt-get install -y chromium" as root`);
}

async function launchChromium(): Promise<Browser> {
  ensureChromium();
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch {
    throw new Error('playwright-core is not installed: it is a devDependency of the workspace (npm ci)');
  }
  return playwright.chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

describe('pages, reports and the auditor console', () => {
  let system: TestSystem;
  const ids = new IdMap(randomTag());
  const retro = loadScenario('retroactive-eligibility.json');
  const seed = loadScenario('seed-2015-example.json');
  const region = ids.region('440300');
  const person = ids.person('P-RE');
  const claimId = ids.claim('RE-1');
  const expected = retro.expected.personYears['440300|P-RE|2024'];
  /** A moment after both claims settled and before the grant. */
  let beforeGrant = '';
  const months = new Set<string>();

  beforeAll(async () => {
    system = await TestSystem.shared();
    const steps = retro.steps.map((s) => mapStep(s, ids));
    const grantAt = steps.findIndex((s) => s.op === 'grantEligibility');
    months.add(new Date().toISOString().slice(0, 7));
    for (const step of steps.slice(0, grantAt)) await applyStep(system.clients, step);
    await system.caughtUp();
    // whole seconds either side: the console's picker has a resolution of one second
    await new Promise((r) => setTimeout(r, 1100));
    beforeGrant = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
    await new Promise((r) => setTimeout(r, 1100));
    for (const step of steps.slice(grantAt)) await applyStep(system.clients, step);
    // the seed example in its own region-year, billed twice: 重复收费 and two stays at once
    const seedSteps = seed.steps.map((s) => mapStep(s, ids));
    for (const step of seedSteps) await applyStep(system.clients, step);
    const first = seedSteps.find((s) => s.op === 'submitClaim');
    if (first?.op !== 'submitClaim') throw new Error('the seed has a claim');
    await applyStep(system.clients, { op: 'submitClaim', claim: { ...first.claim, claimId: ids.claim('SEED-TWICE') } });
    await system.caughtUp();
    // every entry so far in a signed checkpoint, so that the console can prove each one
    expect((await system.clients.audit.post('/checkpoints')).status).toBe(200);
    months.add(new Date().toISOString().slice(0, 7));
  }, 300_000);

  afterAll(async () => {
    await system?.stop();
  }, 120_000);

  const audit = () => system.clients.audit;

  it('pages the claim history, the flags and the access log with opaque cursors, and refuses bad parameters listing each', async () => {
    type History = { events: { eventId: string }[]; nextCursor: string | null };
    const whole = await audit().get<History>(`/claims/${claimId}/history?limit=500`);
    expect(whole.status).toBe(200);
    expect(whole.body.nextCursor).toBeNull();
    expect(whole.body.events.length).toBeGreaterThanOrEqual(6);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: History } = await audit().get<History>(
        `/claims/${claimId}/history?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.body.events.length).toBeLessThanOrEqual(2);
      paged.push(...page.body.events.map((e) => e.eventId));
      cursor = page.body.nextCursor;
      if (cursor) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    } while (cursor);
    expect(paged).toEqual(whole.body.events.map((e) => e.eventId));

    type Flags = { counts: Record<string, number>; flags: { type: string; claimIds: string[] }[]; nextCursor: string | null };
    const seedPerson = (f: { claimIds: string[] }) => f.claimIds.includes(ids.claim('SEED-TWICE'));
    const all = await audit().get<Flags>('/flags?limit=500');
    expect(all.body.flags.filter(seedPerson).map((f) => f.type)).toEqual(['DUPLICATE_CLAIM', 'OVERLAPPING_STAYS']);
    const first = await audit().get<Flags>('/flags?limit=1');
    expect(first.body.flags).toEqual(all.body.flags.slice(0, 1));
    expect(first.body.counts).toEqual(all.body.counts);
    const second = await audit().get<Flags>(`/flags?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.flags).toEqual(all.body.flags.slice(1, 2));
    const typed = await audit().get<Flags>('/flags?type=OVERLAPPING_STAYS&limit=500');
    expect(typed.body.flags.every((f) => f.type === 'OVERLAPPING_STAYS')).toBe(true);
    expect(typed.body.nextCursor).toBeNull();

    // the reads of the history above were recorded: the access log pages through them too
    type Log = { entries: { resource: string }[]; nextCursor: string | null };
    const entries = await audit().as('auditor').get<Log>(`/access-log?personId=${person}&limit=500`);
    expect(entries.body.entries.length).toBeGreaterThanOrEqual(Math.ceil(paged.length / 2) + 1);
    const firstTwo = await audit().as('auditor').get<Log>(`/access-log?personId=${person}&limit=2`);
    const nextTwo = await audit().as('auditor').get<Log>(`/access-log?personId=${person}&limit=2&cursor=${firstTwo.body.nextCursor}`);
    expect([...firstTwo.body.entries, ...nextTwo.body.entries]).toEqual(entries.body.entries.slice(0, 4));
    // without a cursor: the first page, oldest first, as before
    expect((await audit().as('auditor').get<Log>(`/access-log?personId=${person}`)).body.entries).toEqual(entries.body.entries);

    const bad = await audit().get<Problem>('/flags?type=NOPE&limit=0&cursor=not*a*cursor');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.path)).toEqual(['/query/type', '/query/limit', '/query/cursor']);
    const badLog = await audit().as('auditor').get<Problem>('/access-log?limit=501');
    expect(badLog.body.errors.map((e) => e.path)).toEqual(['/query/personId', '/query/limit']);
    const foreign = await audit().get<Problem>(`/claims/${claimId}/history?cursor=${first.body.nextCursor}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors.map((e) => e.path)).toEqual(['/query/cursor']);
  }, 120_000);

  it("reports each payer's payments per month and adjustments by reason from the log, as JSON and CSV", async () => {
    const report = await audit().get<{
      totals: Record<string, { settled: string; topUps: string; clawBacks: string; net: string }>;
      adjustmentsByReason: Record<string, Record<string, { count: number; topUps: string }>>;
      months: { month: string; payer: string; net: string }[];
    }>(`/reports/payments/${region}/2024`);
    expect(report.status).toBe(200);
    // 大病 settled 3156 + 13968 before the grant; the tilt then tops it up by 3513 + 1164; assistance 8591 + 8148 (补付)
    expect(report.body.totals).toMatchObject({
      basic: { settled: expected.basic, topUps: '0.00', clawBacks: '0.00', net: expected.basic },
      criticalIllness: { settled: '17124.00', topUps: '4677.00', net: expected.criticalIllness },
      assistance: { settled: '0.00', topUps: '16739.00', net: expected.assistance },
    });
    expect(report.body.adjustmentsByReason).toEqual({
      basic: {},
      criticalIllness: { ELIGIBILITY_GRANTED: { count: 2, topUps: '4677.00', clawBacks: '0.00', net: '4677.00' } },
      assistance: { ELIGIBILITY_GRANTED: { count: 2, topUps: '16739.00', clawBacks: '0.00', net: '16739.00' } },
    });
    expect(report.body.months.every((m) => months.has(m.month))).toBe(true);
    expect(report.body.months.filter((m) => m.payer === 'basic').map((m) => m.net)).toEqual([expected.basic]);

    const csv = await audit().get<string>(`/reports/payments/${region}/2024`, { accept: 'text/csv' });
    expect(csv.contentType).toContain('text/csv');
    const [header, ...rows] = csv.body.trimEnd().split('\r\n');
    expect(header.split(',')).toEqual(expect.arrayContaining(['region', 'year', 'months.month', 'months.payer', 'months.net']));
    expect(rows).toHaveLength(report.body.months.length);

    // only auditors read the payments
    expect(
      (
        await audit()
          .as({ role: 'insurer-officer', audience: ['audit'] })
          .get(`/reports/payments/${region}/2024`)
      ).status,
    ).toBe(403);
    expect((await audit().get<Problem>('/reports/payments/x/20x4')).body.errors.map((e) => e.path)).toEqual(['/region', '/year']);
  }, 60_000);

  it('summarises the region-year for any authenticated role: policies in force, paid, claims, person-years and settlement time', async () => {
    const putPolicy = retro.steps.find((s) => s.op === 'putPolicy');
    if (putPolicy?.op !== 'putPolicy') throw new Error('the scenario has a policy');
    const hospital = audit().as({ role: 'hospital', hospital: ids.hospital('H-CITY-3'), audience: ['audit'] });
    const summary = await hospital.get<Record<string, unknown>>(`/reports/summary/${region}/2024`);
    expect(summary.status).toBe(200);
    expect(summary.body).toEqual({
      region,
      year: 2024,
      funding: null, // no 大病 contract in this region-year
      benefits: {
        basic: { ...putPolicy.basic, revision: 1 },
        criticalIllness: { ...putPolicy.criticalIllness, revision: 1 },
        assistance: { ...putPolicy.assistance, revision: 1 },
      },
      paid: {
        basic: expected.basic,
        criticalIllness: expected.criticalIllness,
        assistance: expected.assistance,
        total: '114000.00',
      },
      claims: 2,
      reversedClaims: 0,
      personYears: 1,
      settlement: { claims: 2, averageMs: expect.any(Number) },
    });
    const { averageMs } = (summary.body as { settlement: { averageMs: number } }).settlement;
    expect(averageMs).toBeGreaterThan(0);
    expect(averageMs).toBeLessThan(120_000);
    const csv = await hospital.get<string>(`/reports/summary/${region}/2024`, { accept: 'text/csv' });
    expect(csv.body.split('\r\n')[0]).toContain('settlement.averageMs');
    expect((await audit().as({ role: 'monitor' }).get(`/reports/summary/${region}/2024`)).status).toBe(403);
    expect((await audit().anonymous().get(`/reports/summary/${region}/2024`)).status).toBe(401);
  }, 60_000);

  describe('the console in headless Chromium', () => {
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
    });

    const text = (selector: string) => page.locator(selector).innerText();

    it('signs in, shows the timeline with proofs, the person-year then and now, verification, flags and both charts; a bad token shows 401', async () => {
      const served = await page.goto(`${audit().baseUrl}/console`);
      expect(served?.status()).toBe(200);
      expect(served?.headers()['content-security-policy']).toContain("default-src 'self'");
      const outside: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith(audit().baseUrl) && !r.url().startsWith('data:')) outside.push(r.url());
      });
      await page.waitForSelector('body[data-ready=true]');

      // a token that is not one: the 401, visibly
      await page.fill('#token', 'not-a-jwt');
      await page.click('#sign-in');
      await page.waitForSelector('#problem:not([hidden]) [data-status="401"]');
      expect(await text('#whoami')).toContain('refused');
      // a valid token without the auditor's role: the 403
      await page.fill('#token', await system.tokens.token({ role: 'operator', audience: ['audit'] }));
      await page.click('#sign-in');
      await page.waitForSelector('#problem:not([hidden]) [data-status="403"]');

      await page.fill('#token', await system.tokens.token({ role: 'auditor' }));
      await page.click('#sign-in');
      await page.waitForSelector('#whoami[data-signed-in=true]');
      expect(await page.locator('#problem').isHidden()).toBe(true);
      expect(await page.evaluate(() => location.search + location.hash)).toBe('');

      // the claim's timeline across the agencies, each entry's hash and its inclusion proof
      await page.fill('#claim-id', claimId);
      await page.click('#find-claim');
      await page.waitForSelector('#timeline tr');
      await page.waitForFunction(() => document.querySelectorAll('#timeline [data-proof=checking]').length === 0, undefined, {
        timeout: 30_000,
      });
      const rows = await page.$$eval('#timeline tr', (trs) =>
        trs.map((tr) => ({
          type: tr.getAttribute('data-type'),
          hash: tr.querySelector('code.hash')?.textContent,
          proof: tr.querySelector('[data-proof]')?.getAttribute('data-proof'),
        })),
      );
      expect(rows.length).toBeGreaterThanOrEqual(6);
      expect(new Set(rows.map((r) => r.type))).toEqual(
        new Set(['basic.ClaimSubmitted', 'basic.PersonYearDecided', 'critical-illness.PersonYearDecided', 'assistance.PersonYearDecided']),
      );
      for (const r of rows) expect(r).toEqual({ type: r.type, hash: expect.stringMatching(/^[0-9a-f]{64}$/), proof: 'verified' });

      // the person-year now, then as known before the grant
      await page.fill('#region', region);
      await page.fill('#person', person);
      await page.fill('#year', '2024');
      await page.click('#find-person');
      await page.waitForSelector('#ledger-payers tr[data-payer=assistance]');
      const paid = (payer: string) => text(`#ledger-payers tr[data-payer=${payer}] td.amount`);
      expect(await paid('assistance')).toBe(expected.assistance);
      expect(await paid('criticalIllness')).toBe(expected.criticalIllness);
      const local = await page.evaluate((iso) => {
        const d = new Date(iso);
        const p = (n: number) => String(n).padStart(2, '0');
        return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
      }, beforeGrant);
      await page.fill('#as-of', local);
      await page.waitForFunction((iso) => document.getElementById('ledger-as-of')?.textContent === iso, beforeGrant);
      expect(await paid('assistance')).toBe('0.00');
      expect(await paid('criticalIllness')).toBe('17124.00');

      // the log verifies
      await page.click('#verify');
      await page.waitForSelector('#verify-result [data-ok]');
      expect(await page.getAttribute('#verify-result [data-ok]', 'data-ok')).toBe('true');

      // flags a page at a time, with their evidence
      await page.fill('#flag-page', '1');
      await page.click('#load-flags');
      await page.waitForSelector('#flags tr');
      expect(await page.locator('#flags tr').count()).toBe(1);
      await page.click('#more-flags');
      await page.waitForFunction(() => document.querySelectorAll('#flags tr').length === 2);
      // every flag on one page: the seed's person is flagged twice, each with both claims' submissions as evidence
      await page.fill('#flag-page', '500');
      await page.click('#load-flags');
      await page.waitForFunction(() => document.querySelector('#more-flags')?.hasAttribute('hidden'));
      const flagged = await page.$$eval(`#flags tr[data-person="${ids.person('P1')}"]`, (trs) =>
        trs.map((tr) => [tr.getAttribute('data-type'), tr.querySelectorAll('.evidence').length]),
      );
      expect(flagged).toEqual([
        ['DUPLICATE_CLAIM', 2],
        ['OVERLAPPING_STAYS', 2],
      ]);

      // both charts, drawn from the payments report
      expect(await page.inputValue('#report-region')).toBe(region);
      await page.click('#load-reports');
      await page.waitForSelector('#chart-payments svg rect[data-payer]');
      const bars = await page.$$eval('#chart-payments rect[data-payer]', (rs) =>
        rs.map((r) => [r.getAttribute('data-payer'), r.getAttribute('data-value')]),
      );
      expect(bars).toEqual(expect.arrayContaining([['basic', expected.basic]]));
      expect(new Set(bars.map(([p]) => p))).toEqual(new Set(['basic', 'criticalIllness', 'assistance']));
      const adjustments = await page.$$eval('#chart-adjustments rect[data-reason]', (rs) =>
        rs.map((r) => [r.getAttribute('data-payer'), r.getAttribute('data-reason'), r.getAttribute('data-value')]),
      );
      expect(adjustments).toEqual([
        ['criticalIllness', 'ELIGIBILITY_GRANTED', '4677.00'],
        ['assistance', 'ELIGIBILITY_GRANTED', '16739.00'],
      ]);
      expect(await text('#summary')).toContain(expected.assistance);

      expect(outside).toEqual([]);
      if (process.env.CONSOLE_SCREENSHOT === '1') {
        mkdirSync(join(repoRoot(), 'docs'), { recursive: true });
        await page.screenshot({ path: join(repoRoot(), 'docs/console.png'), fullPage: true });
      }
    }, 180_000);
  });
});
