import { Database, EVENTING_GRANTS, EVENTING_MIGRATIONS, appendOnly, Tx } from '@msb/eventing';
import { adminServerUrl, scratchDatabase, serviceDatabaseEnv } from '@msb/testing';
import { Client } from 'pg';
import pino from 'pino';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RecalculationBatches1732400000090 } from './migrations/1732400000090-recalculation-batches';
import { Recalculations1732400000050 } from './migrations/1732400000050-recalculations';
import { RECALCULATION_BATCHES_GRANT, RECALCULATIONS_GRANT } from './migrations/payer.grants';
import { RecalculationJob, RecalculationWorker } from './recalculation.service';

/**
 * What two instances of a service share, on real Postgres: they start at the same moment
 * (migrations and grants taken in turn), and they work through the same recalculation jobs:
 * a job is recomputed by one worker at a time, each stretch of its region-year once, and a
 * worker that dies in the middle of a batch leaves the job to the other, from its last
 * committed batch.
 */
const logger = pino({ level: 'silent' });

/** A region-year of person-years to recompute, and the record of which worker covered which. */
class Fixture1732400000999 implements MigrationInterface {
  name = 'Fixture1732400000999';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE items (stream_id text PRIMARY KEY)');
    await q.query('CREATE TABLE covered (stream_id text NOT NULL, worker text NOT NULL)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE covered; DROP TABLE items');
  }
}

const migrations = [...EVENTING_MIGRATIONS, Recalculations1732400000050, RecalculationBatches1732400000090, Fixture1732400000999];
const grants = [...EVENTING_GRANTS, RECALCULATIONS_GRANT, RECALCULATION_BATCHES_GRANT, appendOnly('items'), appendOnly('covered')];
const ITEMS = 40;

describe('two instances of a service on one database', () => {
  let name: string;
  let drop: () => Promise<void>;
  let admin: Client;
  const open: Database[] = [];

  const instance = (): Database => {
    const roles = serviceDatabaseEnv('basic-insurance', name);
    const db = new Database({
      url: roles.DATABASE_URL,
      poolSize: 4,
      migrations,
      logger,
      applicationName: 'replicas-test',
      migration: { url: roles.DATABASE_MIGRATION_URL, grants },
    });
    open.push(db);
    return db;
  };

  /** A worker whose batches record what they covered; `onBatch` may interrupt one. */
  const worker = (db: Database, label: string, onBatch?: (tx: Tx, n: number) => Promise<void>) => {
    let batches = 0;
    return new RecalculationWorker({
      db,
      logger,
      batchSize: 3,
      instance: label,
      countPersonYears: async () => ITEMS,
      recomputeBatch: async (tx: Tx, job: RecalculationJob, limit: number) => {
        const rows = await tx.query<{ stream_id: string }>('SELECT stream_id FROM items WHERE stream_id > $1 ORDER BY stream_id LIMIT $2', [
          job.cursor,
          limit,
        ]);
        if (rows.length === 0) return { count: 0, changed: 0 };
        await tx.execute('INSERT INTO covered (stream_id, worker) SELECT unnest($1::text[]), $2', [rows.map((r) => r.stream_id), label]);
        batches += 1;
        await onBatch?.(tx, batches);
        await new Promise((r) => setTimeout(r, 20)); // long enough for the other worker to try for the job meanwhile
        return { last: rows[rows.length - 1].stream_id, count: rows.length, changed: 0 };
      },
    });
  };

  /** A statement as the migration role, which owns every table (the runtime role cannot read the migrations). */
  const asOwner = async <T extends Record<string, unknown>>(sql: string): Promise<T[]> => {
    const owner = new Client({ connectionString: serviceDatabaseEnv('basic-insurance', name).DATABASE_MIGRATION_URL });
    await owner.connect();
    try {
      return (await owner.query<T>(sql)).rows;
    } finally {
      await owner.end();
    }
  };

  const schedule = async (db: Database) => {
    const [job] = await db.query<{ id: string }>(
      "INSERT INTO recalculations (region, year, policy_revision) VALUES ('R', 2024, 2) RETURNING id",
    );
    return job.id;
  };

  const until = async (check: () => Promise<boolean>, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const jobStatus = async (db: Database, id: string) =>
    (await db.query<{ status: string; processed: number }>('SELECT status, processed FROM recalculations WHERE id = $1', [id]))[0];

  /** Each item covered once; the job's batches back to back from the start to the end. */
  const coveredOnce = async (db: Database, id: string) => {
    const twice = await db.query('SELECT stream_id, count(*) FROM covered GROUP BY 1 HAVING count(*) > 1');
    const [{ n }] = await db.query<{ n: string }>('SELECT count(DISTINCT stream_id) AS n FROM covered');
    const batches = await db.query<{ after_cursor: string; last_cursor: string; count: number }>(
      'SELECT after_cursor, last_cursor, count FROM recalculation_batches WHERE job_id = $1 ORDER BY after_cursor',
      [id],
    );
    let cursor = '';
    const gaps: string[] = [];
    for (const b of batches) {
      if (b.after_cursor !== cursor) gaps.push(`batch after ${b.after_cursor} where ${cursor} ended`);
      cursor = b.last_cursor;
    }
    return { twice, covered: Number(n), gaps, recorded: batches.reduce((s, b) => s + b.count, 0) };
  };

  beforeAll(async () => {
    ({ name, drop } = await scratchDatabase('msb_replicas'));
    const url = new URL(adminServerUrl());
    url.pathname = '/postgres';
    admin = new Client({ connectionString: url.toString() });
    await admin.connect();
  }, 60_000);

  afterAll(async () => {
    for (const db of open) await db.close().catch(() => undefined);
    await admin?.end();
    await drop?.();
  }, 60_000);

  it('migrate and grant one after the other when two start at the same moment on a new database', async () => {
    const [a, b] = [instance(), instance()];
    await Promise.all([a.open(), b.open()]);
    const applied = await asOwner<{ name: string; n: string }>('SELECT name, count(*) AS n FROM migrations GROUP BY name');
    expect(applied.map((m) => `${m.name} ×${m.n}`).sort()).toEqual(migrations.map((m) => `${new m().name} ×1`).sort());
    // and they run as the runtime role with the declared grants: a batch can be recorded, never edited
    await a.query("INSERT INTO items SELECT 'py-' || lpad(i::text, 3, '0') FROM generate_series(1, $1) AS i", [ITEMS]);
    await expect(b.query('UPDATE recalculation_batches SET count = 0')).rejects.toThrow(/permission denied/);
  }, 120_000);

  it('recompute a job with one worker at a time: every person-year once, its batches back to back', async () => {
    const [a, b] = open;
    const id = await schedule(a);
    const workers = [worker(a, 'a'), worker(b, 'b')];
    workers.forEach((w) => w.start());
    workers.forEach((w) => w.poke());
    try {
      await until(async () => (await jobStatus(a, id)).status === 'DONE');
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    expect(await jobStatus(a, id)).toEqual({ status: 'DONE', processed: ITEMS });
    expect(await coveredOnce(a, id)).toEqual({ twice: [], covered: ITEMS, gaps: [], recorded: ITEMS });
  }, 60_000);

  it('leave a job whose worker died in the middle of a batch to the other, from the last committed batch', async () => {
    const [a, b] = open;
    // the record of the job before, cleared by its owner (the runtime role may only append to it)
    await asOwner('TRUNCATE covered');
    const id = await schedule(a);
    let killedPid: number | undefined;
    // the first worker's third batch: its connection is cut while it holds the job (the process died)
    const dying = worker(a, 'dying', async (tx, n) => {
      if (n !== 3) return;
      void stopped(); // the process is gone: it takes no further batch
      const [{ pid }] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      killedPid = pid;
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      // the transaction goes with its connection (the next statement fails once the backend has gone)
      for (let i = 0; i < 40; i++) await tx.query('SELECT pg_sleep(0.05)');
      throw new Error(`backend ${pid} was not terminated`);
    });
    const stopped = () => dying.stop();
    dying.start();
    dying.poke();
    try {
      await until(async () => killedPid !== undefined);
    } finally {
      await dying.stop();
    }
    const atDeath = await jobStatus(b, id);
    expect(atDeath).toEqual({ status: 'RUNNING', processed: 6 }); // two batches committed, the third rolled back
    const survivor = worker(b, 'survivor');
    survivor.start();
    survivor.poke();
    try {
      await until(async () => (await jobStatus(b, id)).status === 'DONE');
    } finally {
      await survivor.stop();
    }
    expect(await jobStatus(b, id)).toEqual({ status: 'DONE', processed: ITEMS });
    expect(await coveredOnce(b, id)).toEqual({ twice: [], covered: ITEMS, gaps: [], recorded: ITEMS });
    const byWorker = await b.query<{ worker: string; n: string }>('SELECT worker, count(*) AS n FROM covered GROUP BY 1 ORDER BY 1');
    expect(byWorker.map((r) => [r.worker, Number(r.n)])).toEqual([
      ['dying', 6],
      ['survivor', ITEMS - 6],
    ]);
  }, 60_000);
});
