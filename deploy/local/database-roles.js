#!/usr/bin/env node
/**
 * The database roles of least privilege, made on a Postgres server by an administrator
 * (a superuser, or a role with CREATEROLE and CREATEDB):
 *
 *   msb_migrator              LOGIN CREATEDB: creates the services' databases, owns every schema
 *                             object in them and runs the migrations (at a service's start only)
 *   msb_<service>_app         LOGIN, nothing else: the role a service runs as; the service's own
 *                             migrations grant it, table by table, what its code does there
 *
 * Passwords are generated once into deploy/local/.runtime/database-roles.json (git-ignored, mode
 * 0600) and set on every run, so the roles match the file. Databases of the services that exist
 * already are handed to the migration role with everything in them (for databases made before the
 * roles existed). Idempotent; several runs at once are serialised by an advisory lock.
 *
 *   node deploy/local/database-roles.js [up]     with DATABASE_URL naming the server as an administrator
 *                                                (default postgres://postgres@127.0.0.1:5432)
 *   node deploy/local/database-roles.js compose-env > .env
 *                                                new passwords as MSB_<ROLE>_PASSWORD lines for docker
 *                                                compose (.env is git-ignored); given in the environment,
 *                                                they are used instead of the file
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const CREDENTIALS = path.join(__dirname, '.runtime', 'database-roles.json');
const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432';
const MIGRATION_ROLE = 'msb_migrator';
/** Each service, its database and its runtime role (the services' default: `${database}_app`). */
const SERVICES = {
  'basic-insurance': { database: 'msb_basic_insurance', role: 'msb_basic_insurance_app' },
  'critical-illness': { database: 'msb_critical_illness', role: 'msb_critical_illness_app' },
  'medical-assistance': { database: 'msb_medical_assistance', role: 'msb_medical_assistance_app' },
  audit: { database: 'msb_audit', role: 'msb_audit_app' },
};

function say(message) {
  if (!process.env.INFRA_QUIET) process.stderr.write(`[database-roles] ${message}\n`);
}

/** The environment variable that carries a service's runtime URL to services.js and the tests. */
function urlVariable(service) {
  return `${service.toUpperCase().replace(/-/g, '_')}_DATABASE_URL`;
}

function newPassword() {
  return crypto.randomBytes(24).toString('base64url');
}

/** MSB_MIGRATOR_PASSWORD, MSB_AUDIT_APP_PASSWORD…: a role's password given in the environment (docker compose). */
function passwordVariable(role) {
  return `${role.toUpperCase()}_PASSWORD`;
}

function allRoles() {
  return [MIGRATION_ROLE, ...Object.values(SERVICES).map((s) => s.role)];
}

/**
 * The roles' passwords: from the environment when every one is given there, else the stored
 * ones, with any missing one generated and stored.
 */
function credentials() {
  if (allRoles().every((role) => process.env[passwordVariable(role)]))
    return Object.fromEntries(allRoles().map((role) => [role, process.env[passwordVariable(role)]]));
  let stored = {};
  try {
    stored = JSON.parse(fs.readFileSync(CREDENTIALS, 'utf8'));
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  const passwords = { ...stored.passwords };
  let changed = false;
  for (const role of allRoles()) {
    if (typeof passwords[role] !== 'string' || passwords[role].length < 20) {
      passwords[role] = newPassword();
      changed = true;
    }
  }
  if (changed) {
    fs.mkdirSync(path.dirname(CREDENTIALS), { recursive: true });
    const temporary = `${CREDENTIALS}.${process.pid}`;
    fs.writeFileSync(temporary, `${JSON.stringify({ passwords }, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(temporary, CREDENTIALS);
  }
  return passwords;
}

/** The server of `serverUrl` (host, port, TLS parameters), logged into as `role`, no database. */
function roleUrl(serverUrl, role, password) {
  const url = new URL(serverUrl);
  url.username = role;
  url.password = password;
  url.pathname = '';
  return url.toString().replace(/\/(\?|$)/, '$1');
}

/** The URLs of the roles on the server of `serverUrl`: DATABASE_MIGRATION_URL and <SERVICE>_DATABASE_URL. */
function roleEnvironment(serverUrl = process.env.DATABASE_URL || DEFAULT_ADMIN_URL) {
  const passwords = credentials();
  const env = { DATABASE_MIGRATION_URL: roleUrl(serverUrl, MIGRATION_ROLE, passwords[MIGRATION_ROLE]) };
  for (const [service, { role }] of Object.entries(SERVICES)) env[urlVariable(service)] = roleUrl(serverUrl, role, passwords[role]);
  return env;
}

/**
 * The environment of one service's process: its runtime role's URL as DATABASE_URL, the migration
 * role's, and none of the other services' URLs (nor the administrator's).
 */
function serviceEnvironment(service, env) {
  const own = env[urlVariable(service)];
  if (!own || !env.DATABASE_MIGRATION_URL) throw new Error(`no database roles for ${service}: run npm run infra:up`);
  const result = { ...env };
  for (const name of Object.keys(SERVICES)) delete result[urlVariable(name)];
  return { ...result, DATABASE_URL: own, DATABASE_MIGRATION_URL: env.DATABASE_MIGRATION_URL };
}

/** A URL with its password hidden, for printing. */
function redacted(url) {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/** JSON of `value` with the password of every URL in it hidden. */
function printable(value) {
  return JSON.stringify(value, (_, v) => (typeof v === 'string' && /^postgres(ql)?:\/\//.test(v) ? redacted(v) : v), 2);
}

async function connect(url, database) {
  const { Client } = require('pg');
  const u = new URL(url);
  u.pathname = `/${database}`;
  const client = new Client({ connectionString: u.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  return client;
}

/** Create the role or bring it to `attributes`, with its password. */
async function ensureRole(client, role, attributes, password) {
  const name = client.escapeIdentifier(role);
  const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  const options = `${attributes} PASSWORD ${client.escapeLiteral(password)}`;
  if (rowCount === 0) {
    await client.query(`CREATE ROLE ${name} ${options}`);
    say(`created role ${role}`);
  } else {
    await client.query(`ALTER ROLE ${name} ${options}`);
  }
}

/** The database exists and it and everything in its schema public belong to the migration role. */
async function ensureDatabase(adminUrl, client, database) {
  const owner = client.escapeIdentifier(MIGRATION_ROLE);
  const { rows } = await client.query('SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1', [database]);
  if (rows.length === 0) {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)} OWNER ${owner}`).catch((e) => {
      if (e.code !== '42P04') throw e; // created meanwhile
    });
    say(`created database ${database}`);
    return;
  }
  if (rows[0].owner !== MIGRATION_ROLE) {
    await client.query(`ALTER DATABASE ${client.escapeIdentifier(database)} OWNER TO ${owner}`);
    say(`database ${database} now belongs to ${MIGRATION_ROLE}`);
  }
  // objects made before the roles existed (by another owner) pass to the migration role; a
  // sequence of a table's column follows its table
  const inside = await connect(adminUrl, database);
  try {
    await inside.query(`
      DO $$ DECLARE o record; BEGIN
        FOR o IN SELECT c.oid::regclass AS name, CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                   WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END AS kind
                 FROM pg_class c
                 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
                   AND c.relowner <> ${client.escapeLiteral(MIGRATION_ROLE)}::regrole
                   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                   AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))
        LOOP EXECUTE format('ALTER %s %s OWNER TO %I', o.kind, o.name, ${client.escapeLiteral(MIGRATION_ROLE)}); END LOOP;
        FOR o IN SELECT p.oid::regprocedure AS name FROM pg_proc p
                 WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> ${client.escapeLiteral(MIGRATION_ROLE)}::regrole
        LOOP EXECUTE format('ALTER ROUTINE %s OWNER TO %I', o.name, ${client.escapeLiteral(MIGRATION_ROLE)}); END LOOP;
      END $$`);
  } finally {
    await inside.end();
  }
}

/**
 * Make the roles (and the services' databases, `databases`) on the server of `adminUrl`, which
 * names an administrator. Returns the roles' URLs (roleEnvironment) on that server.
 */
async function ensureDatabaseRoles(adminUrl = process.env.DATABASE_URL || DEFAULT_ADMIN_URL, databases) {
  const passwords = credentials();
  const client = await connect(adminUrl, 'postgres');
  try {
    await client.query('BEGIN');
    // one run at a time on this server (roles are the server's, not a database's)
    await client.query("SELECT pg_advisory_xact_lock(hashtext('msb-database-roles'))");
    await ensureRole(
      client,
      MIGRATION_ROLE,
      'LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT',
      passwords[MIGRATION_ROLE],
    );
    for (const { role } of Object.values(SERVICES)) {
      await ensureRole(client, role, 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT', passwords[role]);
      // a runtime role is a member of no role: it has what its grants say and nothing through another role
      const { rows } = await client.query(
        'SELECT pg_get_userbyid(roleid) AS role FROM pg_auth_members WHERE member = (SELECT oid FROM pg_roles WHERE rolname = $1)',
        [role],
      );
      for (const r of rows) await client.query(`REVOKE ${client.escapeIdentifier(r.role)} FROM ${client.escapeIdentifier(role)}`);
    }
    await client.query('COMMIT');
    const names = databases ?? Object.values(SERVICES).map((s) => s.database);
    for (const database of names) await ensureDatabase(adminUrl, client, database);
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await client.end();
  }
  return roleEnvironment(adminUrl);
}

module.exports = {
  MIGRATION_ROLE,
  SERVICES,
  CREDENTIALS,
  ensureDatabaseRoles,
  roleEnvironment,
  serviceEnvironment,
  urlVariable,
  redacted,
  printable,
};

if (require.main === module) {
  const command = process.argv[2] || 'up';
  if (command === 'compose-env') {
    for (const role of allRoles()) process.stdout.write(`${passwordVariable(role)}=${newPassword()}\n`);
    process.exit(0);
  }
  if (command !== 'up') {
    process.stderr.write('usage: database-roles.js [up | compose-env]\n');
    process.exit(2);
  }
  ensureDatabaseRoles()
    .then((env) => {
      process.stdout.write(`${printable({ ...env, passwords: path.relative(process.cwd(), CREDENTIALS) })}\n`);
    })
    .catch((e) => {
      process.stderr.write(`[database-roles] ${e.message}\n`);
      process.exit(1);
    });
}
