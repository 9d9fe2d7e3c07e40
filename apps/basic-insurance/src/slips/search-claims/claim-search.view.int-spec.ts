import { Database, EventingTables1732400000000 } from '@msb/eventing';
import type { ServiceRuntime } from '@msb/platform';
import { scratchDatabase } from '@msb/testing';
import pino from 'pino';
import { basicInsuranceService } from '../../main';
import { SlipView } from '../slip.view';
import { ClaimSearch, decodeCursor } from './claim-search.params';
import { ClaimSearchView } from './claim-search.view';

/**
 * The claims search on real Postgres with basic's migrations: pages follow each other without a
 * gap or a repeat, also across claims received in the same transaction (same submitted_at), and
 * every way of narrowing is a keyset scan of its index (no sort of the claims it passes).
 */
const logger = pino({ level: 'silent' });

describe('the claims search as a keyset scan', () => {
  let drop: () => Promise<void>;
  let db: Database;
  const view = (database: Pick<Database, 'query'>) => {
    const runtime = { db: database, log: logger } as unknown as ServiceRuntime;
    return new ClaimSearchView(runtime, new SlipView(runtime));
  };

  beforeAll(async () => {
    const scratch = await scratchDatabase('msb_basic_claim_search');
    drop = scratch.drop;
    db = new Database({
      url: scratch.url,
      poolSize: 2,
      migrations: [EventingTables1732400000000, ...basicInsuranceService.migrations],
      logger,
      applicationName: 'claim-search-test',
    });
    await db.open();
    await db.query(
      `INSERT INTO policies (region, year, revision, content_hash, policy) VALUES ('R1', 2024, 1, 'h', '{}'), ('R2', 2024, 1, 'h', '{}')`,
    );
    // 30 claims in R1 and R2, two hospitals, three people; three at a time received at the same instant
    await db.query(`
      INSERT INTO slip_person_years (stream_id, region, person_id, year, basic_revision)
      SELECT DISTINCT 'py:' || r || ':' || p, r, p, 2024, 1
      FROM generate_series(0, 29) i, LATERAL (SELECT CASE WHEN i % 2 = 0 THEN 'R1' ELSE 'R2' END AS r, 'P' || (i % 3) AS p) x`);
    await db.query(`
      INSERT INTO claims (claim_id, stream_id, region, person_id, year, version, status, service_date, visit_type, total, policy_scope,
                          first_hash, latest_hash, hospital_id, submitted_at)
      SELECT 'C-' || lpad(i::text, 2, '0'), 'py:' || r || ':' || p, r, p, 2024, 1, 'LIVE', DATE '2024-03-01', 'INPATIENT', 100, 100,
             'h', 'h', 'H' || (i % 2), TIMESTAMPTZ '2024-05-01 08:00:00.000001Z' + ((i / 3) * interval '1.5 ms')
      FROM generate_series(0, 29) i, LATERAL (SELECT CASE WHEN i % 2 = 0 THEN 'R1' ELSE 'R2' END AS r, 'P' || (i % 3) AS p) x`);
    await db.query('ANALYZE claims');
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await drop?.();
  });

  const everyPage = async (scope: Parameters<ClaimSearchView['search']>[0], q: Omit<ClaimSearch, 'cursor'>, limit: number) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<ClaimSearchView['search']>> = await view(db).search(
        scope,
        { ...q, ...(cursor ? { cursor: decodeCursor(cursor) } : {}) },
        limit,
      );
      expect(page.items.length).toBeLessThanOrEqual(limit);
      seen.push(...page.items.map((i) => i.claimId));
      cursor = page.nextCursor;
    } while (cursor !== null);
    return seen;
  };
  const all = (filter: (i: number) => boolean) =>
    Array.from({ length: 30 }, (_, i) => i)
      .filter(filter)
      .map((i) => `C-${String(i).padStart(2, '0')}`);

  it('pages through every claim once, in order of receipt then claim id, whatever the page size', async () => {
    for (const limit of [1, 4, 7, 30, 500]) expect(await everyPage({}, {}, limit)).toEqual(all(() => true));
    expect(await everyPage({ hospitalId: 'H1' }, {}, 4)).toEqual(all((i) => i % 2 === 1));
    expect(await everyPage({ regions: ['R2', 'R1'] }, {}, 3)).toEqual(all(() => true));
    expect(await everyPage({ regions: ['R1'] }, { personId: 'P0' }, 2)).toEqual(all((i) => i % 2 === 0 && i % 3 === 0));
    expect(await everyPage({ regions: ['R3'] }, {}, 3)).toEqual([]);
  });

  it('each narrowing is an index scan in its index order, without sorting what it passes', async () => {
    const plans: string[] = [];
    const explaining = {
      query: async (sql: string, params?: unknown[]) => {
        const rows = await db.transaction(async (tx) => {
          await tx.query('SET LOCAL enable_seqscan = off');
          return tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
        });
        plans.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
        return [];
      },
    };
    const cursor = { receivedAt: '2024-05-01T08:00:00.004501Z', claimId: 'C-09' };
    await view(explaining).search({ hospitalId: 'H1' }, { cursor }, 5);
    await view(explaining).search({}, { personId: 'P1', cursor }, 5);
    await view(explaining).search({ regions: ['R1', 'R2'] }, { cursor, status: 'SETTLED' }, 5);
    await view(explaining).search({}, { from: '2024-05-01', to: '2024-05-01' }, 5);
    expect(plans[0]).toMatch(/Index Scan using claims_hospital_received/);
    expect(plans[1]).toMatch(/Index Scan using claims_person_received/);
    expect(plans[0]).not.toMatch(/Sort/);
    expect(plans[1]).not.toMatch(/Sort/);
    // one scan per region, each in index order; only the few rows of each (limit + 1) are merged
    for (const plan of plans.slice(2)) {
      expect(plan).toMatch(/Index Scan using claims_region_received/);
      expect(plan.split('\n').filter((l) => /Sort/.test(l) && !/Sort Key/.test(l))).toHaveLength(1);
      expect(plan.split('\n')[1]).toMatch(/Sort/);
    }
  });
});
