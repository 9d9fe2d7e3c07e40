import { Database, EVENTING_GRANTS, EVENTING_MIGRATIONS, RuntimePrivilegeError } from '@msb/eventing';
import { adminServerUrl, scratchDatabase, serviceDatabaseEnv } from '@msb/testing';
import { Client } from 'pg';
import pino from 'pino';

/**
 * What a service's start does to its runtime role, on real Postgres: the migration role creates
 * and migrates the database and grants the runtime role what is declared; a privilege granted
 * by hand is taken back at the next start; a table without a declaration, or a runtime role that
 * could do more than declared (a superuser), stops the start.
 */
const logger = pino({ level: 'silent' });
const migrations = EVENTING_MIGRATIONS;

describe('the runtime role’s grants at a service’s start', () => {
  let name: string;
  let drop: () => Promise<void>;
  let admin: Client;
  const roles = () => serviceDatabaseEnv('basic-insurance', name);
  const open = async (url = roles().DATABASE_URL) => {
    const db = new Database({
      url,
      poolSize: 2,
      migrations,
      logger,
      applicationName: 'roles-test',
      migration: { url: roles().DATABASE_MIGRATION_URL, grants: EVENTING_GRANTS },
    });
    try {
      await db.open();
    } finally {
      await db.close();
    }
  };
  const can = async (privilege: string, table: string) =>
    (await admin.query('SELECT has_table_privilege($1::name, $2::regclass, $3) AS can', ['msb_basic_insurance_app', table, privilege]))
      .rows[0].can;

  beforeAll(async () => {
    const scratch = await scratchDatabase('msb_roles');
    name = scratch.name;
    drop = scratch.drop;
    await open(); // creates the database as the migration role
    const url = new URL(adminServerUrl());
    url.pathname = `/${name}`;
    admin = new Client({ connectionString: url.toString() });
    await admin.connect();
  }, 60_000);

  afterAll(async () => {
    await admin?.end();
    await drop?.();
  });

  it('creates the database as the migration role and grants the runtime role exactly what is declared', async () => {
    const { rows } = await admin.query('SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1', [name]);
    expect(rows).toEqual([{ owner: 'msb_migrator' }]);
    expect([
      await can('SELECT', 'events'),
      await can('INSERT', 'events'),
      await can('UPDATE', 'events'),
      await can('DELETE', 'events'),
    ]).toEqual([true, true, false, false]);
    expect(await can('DELETE', 'outbox')).toBe(true);
  });

  it('takes back at the next start a privilege granted by hand', async () => {
    await admin.query('GRANT UPDATE, TRUNCATE ON events TO msb_basic_insurance_app');
    expect(await can('UPDATE', 'events')).toBe(true);
    await open();
    expect([await can('UPDATE', 'events'), await can('TRUNCATE', 'events')]).toEqual([false, false]);
  }, 30_000);

  it('refuses to start with a table nobody declared grants for, and leaves the grants as they were', async () => {
    const migrator = new Client({ connectionString: roles().DATABASE_MIGRATION_URL });
    await migrator.connect();
    await migrator.query('CREATE TABLE undeclared (id int)');
    await migrator.end();
    try {
      const error = await open().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RuntimePrivilegeError);
      expect((error as RuntimePrivilegeError).problems).toEqual([
        'table undeclared has no declared grants for the runtime role (declare them beside its migration)',
      ]);
      expect(await can('SELECT', 'undeclared')).toBe(false);
    } finally {
      await admin.query('DROP TABLE undeclared');
    }
  }, 30_000);

  it('refuses to run as a superuser', async () => {
    const superuser = new URL(adminServerUrl());
    superuser.pathname = `/${name}`;
    const error = await open(superuser.toString()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimePrivilegeError);
    expect((error as RuntimePrivilegeError).problems).toEqual(
      expect.arrayContaining([
        `the runtime role ${decodeURIComponent(superuser.username)} is a superuser`,
        `${decodeURIComponent(superuser.username)} can UPDATE on events`,
      ]),
    );
  }, 30_000);
});
