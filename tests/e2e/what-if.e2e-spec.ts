import type { AssistancePolicyDto, BasicPolicyDto, CriticalIllnessPolicyDto, WhatIfAnswerDto } from '@msb/contracts';
import { money, print, ZERO } from '@msb/money';
import { applyStep, IdMap, loadScenario, mapStep, randomTag, ServiceClient, TestSystem } from '@msb/testing';
import { Client } from 'pg';

/**
 * 精准测算 end to end: a generated region-year settled (45 claims of 13 people, corrections, a
 * reversal, grants of every category), then a what-if with drafts of all three sections. Before
 * anything is adopted its `current` is what the payers paid and nothing was stored or published;
 * once the same drafts are put as policies at each payer and the region-year recalculated, the
 * payers pay exactly its `draft`. Bad drafts are refused listing every problem, and an officer
 * may draft only its own agency's section in its own regions.
 */
type Figures = { basic: string; criticalIllness: string; assistance: string; selfPay: string };
const FIGURES = ['basic', 'criticalIllness', 'assistance', 'selfPay'] as const;
const YEAR = 2024;

describe('what-ifs (POST /what-ifs on audit) through the running system', () => {
  let system: TestSystem;
  const ids = new IdMap(randomTag());
  const scenario = loadScenario('generated-1.json');
  const region = ids.region('150100');
  const people = [
    ...new Set(
      scenario.steps.flatMap((s) => (s.op === 'submitClaim' && s.claim.region === '150100' ? [ids.person(s.claim.personId)] : [])),
    ),
  ];
  // the region-year's policy in force: the scenario's last revision of it
  const inForce = scenario.steps.filter((s) => s.op === 'putPolicy' && s.region === '150100').pop() as {
    basic: BasicPolicyDto;
    criticalIllness: CriticalIllnessPolicyDto;
    assistance: AssistancePolicyDto;
  };
  const drafts = {
    basic: {
      ...inForce.basic,
      classBSelfPayRatio: '0.05',
      inpatient: { ...inForce.basic.inpatient, '3': { deductible: '800', rate: '0.75' } },
    },
    criticalIllness: {
      ...inForce.criticalIllness,
      threshold: '10000',
      bands: [{ upTo: '50000', rate: '0.70' }, ...inForce.criticalIllness.bands.slice(1)],
    },
    assistance: {
      ...inForce.assistance,
      categories: {
        ...inForce.assistance.categories,
        LOW_INCOME: { threshold: '1000', bands: [{ rate: '0.75' }], annualCap: '30000' },
        ILLNESS_POVERTY: { threshold: '2000', bands: [{ rate: '0.60' }], annualCap: '30000' },
      },
    },
  };
  let before: WhatIfAnswerDto;

  beforeAll(async () => {
    system = await TestSystem.shared();
    for (const step of scenario.steps) await applyStep(system.clients, mapStep(step, ids));
    await system.caughtUp();
  }, 300_000);

  afterAll(async () => {
    await system?.stop();
  }, 120_000);

  const whatIf = (body: unknown, client: ServiceClient = system.clients.audit) => client.post<WhatIfAnswerDto>('/what-ifs', body);

  /** Each person-year as the payers decided it: basic's ledger (the one-stop view of all three), 大病's and assistance's own. */
  async function ledgers() {
    return Promise.all(
      people.map(async (personId) => {
        const path = `/ledgers/${region}/${personId}/${YEAR}`;
        const [basic, ci, assistance] = await Promise.all([
          system.clients.basic.get<Figures & { assistanceCategory: string | null }>(path),
          system.clients.criticalIllness.get<{ paid: string }>(path),
          system.clients.assistance.get<{ paid: string }>(path),
        ]);
        expect([basic.status, ci.status, assistance.status]).toEqual([200, 200, 200]);
        // each payer's own ledger says what the one-stop ledger shows of it
        expect([ci.body.paid, assistance.body.paid]).toEqual([basic.body.criticalIllness, basic.body.assistance]);
        return { personId, ...basic.body };
      }),
    );
  }
  const totals = (list: Awaited<ReturnType<typeof ledgers>>): Figures =>
    Object.fromEntries(FIGURES.map((k) => [k, print(list.reduce((s, l) => s.plus(l[k]), ZERO))])) as Figures;
  const figuresOf = (l: Figures): Figures => ({
    basic: l.basic,
    criticalIllness: l.criticalIllness,
    assistance: l.assistance,
    selfPay: l.selfPay,
  });

  /** What must not move while a what-if is asked: each payer's policy rows and the audit log (every published event lands there). */
  async function footprint() {
    const count = async (service: 'basic-insurance' | 'critical-illness' | 'medical-assistance' | 'audit', sql: string) => {
      const db = new Client({ connectionString: system.databaseUrl(service) });
      await db.connect();
      try {
        return (await db.query<{ n: string }>(sql)).rows[0].n;
      } finally {
        await db.end();
      }
    };
    const policies = 'SELECT count(*)::text AS n FROM policies';
    return {
      basic: await count('basic-insurance', policies),
      criticalIllness: await count('critical-illness', policies),
      assistance: await count('medical-assistance', policies),
      log: await count('audit', "SELECT count(*)::text AS n FROM audit_log WHERE type <> 'audit.CheckpointSigned'"),
    };
  }

  it('before anything is adopted: current is what the payers paid, the draft differs, and nothing is stored or published', async () => {
    const paid = await ledgers();
    const footprintBefore = await footprint();
    const revisions = async () =>
      Promise.all(
        [system.clients.basic, system.clients.criticalIllness, system.clients.assistance].map(
          async (c) => (await c.get<{ revision: number }>(`/policies/${region}/${YEAR}`)).body.revision,
        ),
      );
    const revisionsBefore = await revisions();

    const answer = await whatIf({ region, year: YEAR, ...drafts });
    expect(answer.status).toBe(200);
    before = answer.body;
    expect(before).toMatchObject({ region, year: YEAR, personYears: people.length, notReplayed: 0 });
    // the replay of the policies in force is what the payers paid
    expect(before.current).toEqual(totals(paid));
    // Δ = draft − current, and a policy moves money between payers and patients, never the bills' total
    for (const k of FIGURES) expect(before.delta[k]).toBe(print(money(before.draft[k]).minus(before.current[k])));
    const sum = (f: Figures) => print(FIGURES.reduce((s, k) => s.plus(f[k]), ZERO));
    expect(sum(before.draft)).toBe(sum(before.current));
    expect(before.changedPersons).toBeGreaterThan(0);
    expect(before.changedPersons).toBeLessThanOrEqual(people.length);
    expect(FIGURES.filter((k) => before.delta[k] !== '0.00')).toEqual(FIGURES);
    // current assistance by the category of each person-year, as basic's ledgers show the categories
    const categories = new Set(paid.flatMap((l) => (l.assistanceCategory ? [l.assistanceCategory] : [])));
    expect(categories.size).toBeGreaterThanOrEqual(3);
    for (const category of categories) {
      const of = paid.filter((l) => l.assistanceCategory === category);
      expect(before.byCategory.find((r) => r.category === category)).toMatchObject({
        personYears: { current: of.length },
        current: print(of.reduce((s, l) => s.plus(l.assistance), ZERO)),
      });
    }
    // the largest changes, largest |Δ basic + Δ 大病 + Δ assistance| first, each the person's own current figures
    const size = (d: Partial<Figures>) => money(d.basic!).plus(d.criticalIllness!).plus(d.assistance!).abs();
    expect(before.largestChanges.length).toBe(Math.min(10, before.changedPersons));
    for (let i = 1; i < before.largestChanges.length; i++)
      expect(size(before.largestChanges[i - 1].delta).gte(size(before.largestChanges[i].delta))).toBe(true);
    for (const c of before.largestChanges) expect(c.current).toEqual(figuresOf(paid.find((l) => l.personId === c.personId)!));

    // nothing stored, nothing published, nothing paid
    await system.caughtUp();
    expect(await footprint()).toEqual(footprintBefore);
    expect(await revisions()).toEqual(revisionsBefore);
    expect(totals(await ledgers())).toEqual(before.current);
  });

  it('refuses drafts that are not valid with 400, listing every problem, and changes nothing', async () => {
    const footprintBefore = await footprint();
    const answer = await whatIf({
      region: 'not a region',
      year: 'next',
      basic: { ...drafts.basic, annualCap: 150000, classBSelfPayRatio: undefined },
      criticalIllness: { ...drafts.criticalIllness, bands: [{ upTo: '50000', rate: '1.5' }] },
      assistance: { ...drafts.assistance, unknown: true },
      note: 'a field no schema knows',
    });
    expect(answer.status).toBe(400);
    expect(answer.contentType).toContain('application/problem+json');
    const paths = (answer.body as unknown as { errors: { path: string }[] }).errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/region',
        '/year',
        '/basic/annualCap',
        '/basic/classBSelfPayRatio',
        '/criticalIllness/bands/0/rate',
        '/assistance/unknown',
        '/note',
      ]),
    );
    expect((await whatIf([])).status).toBe(400);
    expect(await footprint()).toEqual(footprintBefore);
  });

  it('lets an officer draft only its own agency’s section in its own regions (403 otherwise), and shows it only its agency’s figures', async () => {
    const as = (role: string, regions?: string[]) =>
      system.clients.audit.as({ role, audience: ['audit'], ...(regions ? { regions } : {}) });
    const refused = [
      await whatIf({ region, year: YEAR, basic: drafts.basic, criticalIllness: drafts.criticalIllness }, as('insurer-officer')),
      await whatIf({ region, year: YEAR, criticalIllness: drafts.criticalIllness }, as('civil-affairs-officer')),
      await whatIf({ region, year: YEAR, assistance: drafts.assistance }, as('basic-officer')),
      await whatIf({ region, year: YEAR, criticalIllness: drafts.criticalIllness }, as('insurer-officer', ['OTHER1'])),
      await whatIf({ region, year: YEAR }, system.clients.audit.as({ role: 'operator' })),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403]);
    expect((refused[0].body as unknown as { detail: string }).detail).toMatch(/criticalIllness, not basic/);

    const insurer = await whatIf({ region, year: YEAR, criticalIllness: drafts.criticalIllness }, as('insurer-officer', [region]));
    expect(insurer.status).toBe(200);
    expect(insurer.body.current).toEqual(before.current);
    expect(insurer.body.delta.basic).toBe('0.00');
    expect(insurer.body.largestChanges.length).toBeGreaterThan(0);
    for (const c of insurer.body.largestChanges) expect(Object.keys(c.draft).sort()).toEqual(['basic', 'criticalIllness']);
    const civil = await whatIf({ region, year: YEAR, assistance: drafts.assistance }, as('civil-affairs-officer'));
    expect(civil.status).toBe(200);
    expect({ basic: civil.body.delta.basic, criticalIllness: civil.body.delta.criticalIllness }).toEqual({
      basic: '0.00',
      criticalIllness: '0.00',
    });
    for (const c of civil.body.largestChanges) expect(Object.keys(c.draft).sort()).toEqual(['assistance', 'criticalIllness']);
  });

  it('once the same drafts are put as policies and the region-year recalculated, the payers pay exactly the what-if’s draft', async () => {
    const path = `/policies/${region}/${YEAR}`;
    expect((await system.clients.basic.put(path, drafts.basic)).status).toBe(200);
    expect((await system.clients.criticalIllness.put(path, drafts.criticalIllness)).status).toBe(200);
    expect((await system.clients.assistance.put(path, drafts.assistance)).status).toBe(200);
    await system.caughtUp(180_000);

    const paid = await ledgers();
    expect(totals(paid)).toEqual(before.draft);
    for (const c of before.largestChanges) expect(figuresOf(paid.find((l) => l.personId === c.personId)!)).toEqual(c.draft);
    for (const row of before.byCategory) {
      const of = paid.filter((l) => l.assistanceCategory === row.category);
      expect({
        category: row.category,
        personYears: of.length,
        assistance: print(of.reduce((s, l) => s.plus(l.assistance), ZERO)),
      }).toEqual({
        category: row.category,
        personYears: row.personYears.draft,
        assistance: row.draft,
      });
    }
    // and audit, replaying the policies now in force, finds nothing left to change
    const after = await whatIf({ region, year: YEAR });
    expect(after.body).toMatchObject({ current: before.draft, draft: before.draft, changedPersons: 0 });
  });
});
