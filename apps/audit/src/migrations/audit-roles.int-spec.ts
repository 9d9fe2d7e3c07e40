import { randomUUID } from 'node:crypto';
import { appendToStream, pgCode, readStream } from '@msb/eventing';
import { loadConfig, ServiceRuntime } from '@msb/platform';
import { adminServerUrl, agencyEnv, scratchDatabase, serviceDatabaseEnv } from '@msb/testing';
import { Client } from 'pg';
import pino from 'pino';
import { auditService } from '../main';

/**
 * The audit service's database on real Postgres, migrated as the migration role: as its runtime
 * role the event store and the audit log take an INSERT and a SELECT and refuse, by privilege, an
 * UPDATE, a DELETE, a TRUNCATE, an ALTER and a DROP; as their owner the triggers refuse the same.
 */
const logger = pino({ level: 'silent' });

/** The SQLSTATE a statement fails with (none: it ran). */
async function refusal(run: () => Promise<unknown>): Promise<{ code?: string; message?: string }> {
  try {
    await run();
    return {};
  } catch (e) {
    return { code: pgCode(e), message: (e as Error).message };
  }
}

describe('the audit service’s runtime role on real Postgres', () => {
  let runtime: ServiceRuntime;
  let database: string;
  let drop: () => Promise<void>;
  let owner: Client;
  let admin: Client;
  const runtimeSql = (sql: string, params?: unknown[]) => runtime.db.query(sql, params);
  const ownerSql = (sql: string, params?: unknown[]) => owner.query(sql, params);

  beforeAll(async () => {
    const scratch = await scratchDatabase('msb_audit_roles');
    database = scratch.name;
    drop = scratch.drop;
    const env = { ...serviceDatabaseEnv('audit'), ...agencyEnv('audit') };
    const config = loadConfig('audit', { port: 3004, database }, undefined, env);
    const { migrations, grants } = auditService;
    runtime = new ServiceRuntime({ config, logger, migrations, grants, produces: [], consumes: [] });
    await runtime.db.open();
    owner = new Client({ connectionString: serviceDatabaseEnv('audit', database).DATABASE_MIGRATION_URL });
    await owner.connect();
    const url = new URL(adminServerUrl());
    url.pathname = `/${database}`;
    admin = new Client({ connectionString: url.toString() });
    await admin.connect();
  }, 60_000);

  afterAll(async () => {
    await owner?.end();
    await admin?.end();
    await runtime?.db.close();
    await drop?.();
  });

  let chainSeq = 0;
  const entry = () => [
    randomUUID(),
    'basic.claims:0',
    ++chainSeq,
    'basic.claims',
    0,
    7,
    'basic.ClaimSubmitted',
    'test',
    'P1',
    'c-1',
    '{}',
    'genesis',
    'h1',
  ];
  const insertEntry = (values: unknown[]) =>
    runtimeSql(
      `INSERT INTO audit_log (event_id, chain, chain_seq, topic, partition, "offset", type, source, subject, event_time, correlation_id, envelope, prev_hash, hash, leaf_index)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now(), $10, $11, $12, $13, (SELECT count(*) FROM audit_log)) RETURNING seq`,
      values,
    );

  it('runs as the runtime role, which owns nothing in the database', async () => {
    expect(await runtimeSql('SELECT current_user AS role')).toEqual([{ role: 'msb_audit_app' }]);
    const { rows } = await admin.query(
      `SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND pg_get_userbyid(c.relowner) <> 'msb_migrator'
       UNION ALL SELECT datname FROM pg_database WHERE datname = $1 AND pg_get_userbyid(datdba) <> 'msb_migrator'`,
      [database],
    );
    expect(rows).toEqual([]);
    expect((await admin.query("SELECT count(*)::int AS n FROM pg_class WHERE relname = 'audit_log'")).rows).toEqual([{ n: 1 }]);
  });

  it('inserts and selects an event and an audit entry', async () => {
    const stream = `audit-roles-${randomUUID()}`;
    await runtime.db.transaction((tx) => appendToStream(tx, stream, 0, [{ type: 'Happened', data: { n: 1 } }]));
    expect((await runtime.db.transaction((tx) => readStream(tx, stream))).map((e) => e.data)).toEqual([{ n: 1 }]);

    const values = entry();
    const [{ seq }] = await insertEntry(values);
    expect(await runtimeSql('SELECT event_id, hash FROM audit_log WHERE seq = $1', [seq])).toEqual([{ event_id: values[0], hash: 'h1' }]);
  });

  it.each([
    ['an UPDATE of an event row', 'UPDATE events SET type = $1', ['Edited'], 'events'],
    ['a DELETE of an event row', 'DELETE FROM events', [], 'events'],
    ['a TRUNCATE of the event store', 'TRUNCATE events', [], 'events'],
    ['an UPDATE of an audit entry', 'UPDATE audit_log SET hash = $1', ['forged'], 'audit_log'],
    ['a DELETE of an audit entry', 'DELETE FROM audit_log', [], 'audit_log'],
    ['a TRUNCATE of the audit log', 'TRUNCATE audit_log', [], 'audit_log'],
    ['an UPDATE of a checkpoint', 'UPDATE checkpoints SET root = $1', ['forged'], 'checkpoints'],
    ['an UPDATE of a chain head’s chain', 'UPDATE chain_heads SET chain = $1', ['other'], 'chain_heads'],
    ['a read of the migrations', 'SELECT * FROM migrations', [], 'migrations'],
  ])('refuses the runtime role %s: permission denied', async (_what, sql, params, table) => {
    // there are rows to refuse
    await runtime.db.transaction((tx) => appendToStream(tx, `audit-roles-${randomUUID()}`, 0, [{ type: 'Happened', data: {} }]));
    await insertEntry(entry());
    expect(await refusal(() => runtimeSql(sql, params))).toEqual({ code: '42501', message: `permission denied for table ${table}` });
  });

  it.each([
    ['ALTER', 'ALTER TABLE events ADD COLUMN note text', 'must be owner of table events'],
    ['ALTER', 'ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only', 'must be owner of table audit_log'],
    ['DROP', 'DROP TABLE audit_log', 'must be owner of table audit_log'],
    ['CREATE', 'CREATE TABLE shadow (id int)', 'permission denied for schema public'],
  ])('refuses the runtime role %s: %s', async (_what, sql, message) => {
    expect(await refusal(() => runtimeSql(sql))).toEqual({ code: '42501', message });
  });

  it('refuses an UPDATE, a DELETE and a TRUNCATE to the owner too (the append-only triggers)', async () => {
    await runtime.db.transaction((tx) => appendToStream(tx, `audit-roles-${randomUUID()}`, 0, [{ type: 'Happened', data: {} }]));
    await insertEntry(entry());
    for (const sql of ['UPDATE audit_log SET hash = hash', 'DELETE FROM audit_log', 'TRUNCATE audit_log'])
      expect((await refusal(() => ownerSql(sql))).message).toMatch(
        /^the audit log is append-only: (UPDATE|DELETE|TRUNCATE) on audit_log is refused$/,
      );
    for (const sql of ['UPDATE events SET type = type', 'DELETE FROM events', 'TRUNCATE events'])
      expect((await refusal(() => ownerSql(sql))).message).toMatch(
        /^the event store is append-only: (UPDATE|DELETE|TRUNCATE) on events is refused$/,
      );
  });

  it('lets no other service’s runtime role into the audit database', async () => {
    const other = new Client({ connectionString: serviceDatabaseEnv('basic-insurance', database).DATABASE_URL });
    const refused = await refusal(() => other.connect());
    await other.end().catch(() => undefined);
    expect(refused).toEqual({ code: '42501', message: expect.stringContaining(`permission denied for database "${database}"`) });
  });
});
