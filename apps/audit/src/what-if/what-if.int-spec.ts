import { demoPolicies, agencyEnv, scratchDatabase, seedAuditLog, serviceDatabaseEnv } from '@msb/testing';
import type { WhatIfAnswerDto, WhatIfRequestDto } from '@msb/contracts';
import { money, print, ZERO } from '@msb/money';
import {
  applyFact,
  assistancePolicyFromWire,
  basicPolicyFromWire,
  criticalIllnessPolicyFromWire,
  emptyFactBook,
  Fact,
  settleBook,
} from '@msb/settlement';
import { AccessLog1732400000080, ACCESS_LOG_GRANT, Caller, loadConfig, Problem, ServiceRuntime } from '@msb/platform';
import { Client } from 'pg';
import pino from 'pino';
import { entryHash } from '../log/audit.chain';
import { auditService } from '../main';
import { recordedPersonYear, RegionYearFactsView } from './region-year-facts.view';
import { WhatIfHandler } from './what-if.handler';
import { WhatIfQuery } from './what-if.query';

/**
 * The what-if on real Postgres over a seeded audit log: the view streams every person-year of
 * the region-year whole (batches cut anywhere), and the handler's current and draft equal the
 * pure reference (settleBook over the same facts, with the policies in force and with the
 * drafts), its current equals what the seeded payers decided, and nothing but the access log
 * is written.
 */
const REGION = 'WIF001';
const YEAR = 2024;
const PEOPLE = 400;
const demo = demoPolicies();
const drafts = {
  basic: { ...demo.basic, classBSelfPayRatio: '0.20', inpatient: { ...demo.basic.inpatient, '3': { deductible: '600', rate: '0.75' } } },
  criticalIllness: {
    ...demo.criticalIllness,
    threshold: '8000',
    bands: [{ upTo: '40000', rate: '0.65' }, ...demo.criticalIllness.bands.slice(1)],
  },
  assistance: {
    ...demo.assistance,
    categories: { ...demo.assistance.categories, LOW_INCOME: { threshold: '1000', bands: [{ rate: '0.80' }], annualCap: '100000' } },
  },
};
const auditor: Caller = { issuer: 'test', subject: 'auditor-1', roles: ['auditor'], role: 'auditor', expiresAt: Date.now() / 1000 + 600 };

describe('POST /what-ifs on a seeded audit log (real Postgres)', () => {
  let runtime: ServiceRuntime;
  let owner: Client;
  let drop: () => Promise<void>;
  const facts: Fact[] = [];

  beforeAll(async () => {
    const scratch = await scratchDatabase('msb_audit_what_if');
    drop = scratch.drop;
    const env = { ...serviceDatabaseEnv('audit'), ...agencyEnv('audit') };
    const config = loadConfig('audit', { port: 3004, database: scratch.name }, undefined, env);
    // as the service bootstrap opens it: the access log beside audit's own tables
    const migrations = [AccessLog1732400000080, ...auditService.migrations];
    const grants = [ACCESS_LOG_GRANT, ...auditService.grants];
    runtime = new ServiceRuntime({ config, logger: pino({ level: 'silent' }), migrations, grants, produces: [], consumes: [] });
    await runtime.db.open();
    owner = new Client({ connectionString: serviceDatabaseEnv('audit', scratch.name).DATABASE_MIGRATION_URL });
    await owner.connect();
    // chunks of 70 people: the claims of one chunk and the next interleave in no way that matters
    await seedAuditLog(
      owner,
      {
        region: REGION,
        year: YEAR,
        personYears: PEOPLE,
        tag: 'WI',
        chunk: 70,
        eligibleShare: 0.3,
        correctedShare: 0.1,
        reversedShare: 0.1,
      },
      (f) => facts.push(...f),
    );
    // another region-year in the same log, which no what-if of REGION may read
    await seedAuditLog(owner, { region: 'WIF002', year: YEAR, personYears: 50, tag: 'WJ', seed: 7 });
  }, 120_000);

  afterAll(async () => {
    await owner?.end();
    await runtime?.db.close();
    await drop?.();
  });

  const ask = (request: WhatIfRequestDto, caller = auditor) =>
    new WhatIfHandler(runtime).execute(new WhatIfQuery(request, caller, 'corr-1')) as Promise<WhatIfAnswerDto>;

  /** The reference: the seeded facts settled from scratch (settleBook), with the drafts put over the policies when given. */
  function reference(withDrafts: boolean) {
    const book = facts.reduce(applyFact, emptyFactBook());
    if (withDrafts)
      applyFact(book, {
        type: 'PolicyPut',
        region: REGION,
        year: YEAR,
        basic: basicPolicyFromWire(drafts.basic),
        criticalIllness: criticalIllnessPolicyFromWire(drafts.criticalIllness),
        assistance: assistancePolicyFromWire(drafts.assistance),
      });
    const people = new Map<string, Record<'basic' | 'criticalIllness' | 'assistance' | 'selfPay', string> & { category: string | null }>();
    for (const { key, settled } of settleBook(book).values())
      if (settled.claims.length > 0)
        people.set(key.personId, {
          basic: print(settled.basic),
          criticalIllness: print(settled.criticalIllness),
          assistance: print(settled.assistance),
          selfPay: print(settled.selfPay),
          category: settled.assistanceCategory,
        });
    return people;
  }
  const totalOf = (people: ReturnType<typeof reference>, k: 'basic' | 'criticalIllness' | 'assistance' | 'selfPay') =>
    print([...people.values()].reduce((s, p) => s.plus(p[k]), ZERO));

  it('seeds a log whose entries are chained as the audit log chains them', async () => {
    const { rows } = await owner.query<{ envelope: unknown; prev_hash: string; hash: string }>(
      'SELECT envelope, prev_hash, hash FROM audit_log ORDER BY seq LIMIT 20',
    );
    for (const r of rows) expect(entryHash(r.prev_hash, r.envelope)).toBe(r.hash);
  });

  it('streams every person-year of the region-year whole, in person order, however the batches cut the rows', async () => {
    const seen: string[] = [];
    const claims = new Map<string, string[]>();
    await new RegionYearFactsView(runtime.db, 7).read(REGION, YEAR, async (inForce, personYears) => {
      expect(inForce.basic?.dto).toEqual(demo.basic);
      expect(inForce.assistance?.revision).toBe(1);
      expect(inForce.catalogue?.dto.items).toBeDefined();
      for await (const batch of personYears)
        for (const p of batch) {
          const live = recordedPersonYear(p).claims;
          if (live.length === 0) continue; // every claim reversed
          seen.push(p.personId);
          claims.set(p.personId, live.map((c) => `${c.claim.claimId}@${c.version}`).sort());
        }
    });
    const expected = reference(false);
    expect(seen).toEqual([...expected.keys()].sort());
    // the live claims are the latest versions, the reversed ones left out
    const book = facts.reduce(applyFact, emptyFactBook());
    const live = new Map<string, string[]>();
    for (const [id, c] of book.claims)
      if (!c.reversed) live.set(c.latest.personId, [...(live.get(c.latest.personId) ?? []), `${id}@${c.version}`].sort());
    expect(claims).toEqual(live);
  });

  it('answers current and draft exactly as the pure reference settles the same facts, and current as the payers decided', async () => {
    const answer = await ask({ region: REGION, year: YEAR, ...drafts });
    const current = reference(false);
    const draft = reference(true);
    const figures = (people: typeof current) => ({
      basic: totalOf(people, 'basic'),
      criticalIllness: totalOf(people, 'criticalIllness'),
      assistance: totalOf(people, 'assistance'),
      selfPay: totalOf(people, 'selfPay'),
    });
    expect(answer.personYears).toBe(current.size);
    expect(answer.current).toEqual(figures(current));
    expect(answer.draft).toEqual(figures(draft));
    const changed = [...current].filter(([id, c]) => {
      const d = draft.get(id)!;
      return c.basic !== d.basic || c.criticalIllness !== d.criticalIllness || c.assistance !== d.assistance || c.selfPay !== d.selfPay;
    });
    expect(answer.changedPersons).toBe(changed.length);
    expect(answer.notReplayed).toBe(0);
    // the ten largest by |Δ basic + Δ 大病 + Δ assistance|, each the person's own figures
    const size = (id: string) => {
      const [c, d] = [current.get(id)!, draft.get(id)!];
      return (['basic', 'criticalIllness', 'assistance'] as const).reduce((s, k) => s.plus(d[k]).minus(c[k]), ZERO).abs();
    };
    const top = changed.map(([id]) => id).sort((a, b) => size(b).cmp(size(a)) || (a < b ? -1 : 1));
    expect(answer.largestChanges.map((c) => c.personId)).toEqual(top.slice(0, 10));
    for (const c of answer.largestChanges) {
      const { category: _c, ...was } = current.get(c.personId)!;
      const { category: _d, ...becomes } = draft.get(c.personId)!;
      expect({ current: c.current, draft: c.draft }).toEqual({ current: was, draft: becomes });
    }
    // assistance per category, under the category each side gives the year
    for (const row of answer.byCategory) {
      const of = (people: typeof current) => [...people.values()].filter((p) => p.category === row.category);
      expect(row.personYears).toEqual({ current: of(current).length, draft: of(draft).length });
      expect(row.current).toBe(print(of(current).reduce((s, p) => s.plus(p.assistance), ZERO)));
      expect(row.draft).toBe(print(of(draft).reduce((s, p) => s.plus(p.assistance), ZERO)));
    }
    // what the seeded payers decided, from their decisions' totals
    const decided = await owner.query<{ type: string; paid: string }>(
      `SELECT type, sum(coalesce(envelope->'data'->'totals'->>'basic', envelope->'data'->'totals'->>'criticalIllness', envelope->'data'->'totals'->>'assistance')::numeric)::text AS paid
       FROM audit_log WHERE type LIKE '%.PersonYearDecided' AND envelope->'data'->'personYear'->>'region' = $1 GROUP BY type`,
      [REGION],
    );
    const paid = Object.fromEntries(decided.rows.map((r) => [r.type, print(money(r.paid))]));
    expect(paid).toEqual({
      'basic.PersonYearDecided': answer.current.basic,
      'critical-illness.PersonYearDecided': answer.current.criticalIllness,
      'assistance.PersonYearDecided': answer.current.assistance,
    });
  });

  it('stores nothing but the access log’s record of the persons it shows', async () => {
    const count = async () =>
      (
        await owner.query<{ log: string; outbox: string; access: string }>(
          'SELECT (SELECT count(*) FROM audit_log)::text AS log, (SELECT count(*) FROM outbox)::text AS outbox, (SELECT count(*) FROM access_log)::text AS access',
        )
      ).rows[0];
    const before = await count();
    const answer = await ask({ region: REGION, year: YEAR, criticalIllness: drafts.criticalIllness });
    const after = await count();
    expect({ log: after.log, outbox: after.outbox }).toEqual({ log: before.log, outbox: before.outbox });
    expect(Number(after.access) - Number(before.access)).toBe(answer.largestChanges.length);
    // a 大病 draft leaves basic where it is
    expect(answer.delta.basic).toBe('0.00');
  });

  it('without drafts, replays the policies in force: no change', async () => {
    const answer = await ask({ region: REGION, year: YEAR });
    expect(answer.draft).toEqual(answer.current);
    expect({ changedPersons: answer.changedPersons, largestChanges: answer.largestChanges }).toEqual({
      changedPersons: 0,
      largestChanges: [],
    });
  });

  it('refuses a region-year without a basic policy or catalogue in force (422), listing both', async () => {
    const refused = await ask({ region: 'NONE01', year: YEAR, ...drafts }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Problem);
    expect((refused as Problem).body).toMatchObject({ status: 422, errors: [{ path: '/region' }, { path: '/region' }] });
  });
});
