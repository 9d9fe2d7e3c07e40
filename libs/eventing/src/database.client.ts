import { Client } from 'pg';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import type { Logger } from 'pino';
import { applyRuntimeGrants, TableGrant } from './database.grants';
import { settleTransaction } from './transaction.hooks';

/** One database statement runner, inside or outside a transaction. */
export interface Tx {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Run a statement and return the number of rows it touched. */
  execute(sql: string, params?: unknown[]): Promise<number>;
}

/** Statements and transactions sent to Postgres by this process (for /status and tuning). */
export const databaseStats = { statements: 0, transactions: 0 };

class RunnerTx implements Tx {
  constructor(private readonly runner: QueryRunner) {}
  async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    databaseStats.statements += 1;
    const result = await this.runner.query(sql, params, true);
    return result.records as T[];
  }
  async execute(sql: string, params?: unknown[]): Promise<number> {
    databaseStats.statements += 1;
    const result = await this.runner.query(sql, params, true);
    return result.affected ?? 0;
  }
}

/**
 * Rows for one `json_to_recordset($1::json) AS x(col type, …)`: the whole batch as one JSON
 * document, documents inside it (an event's data, a snapshot's state, an envelope) nested as
 * JSON, not as text. One JSON.stringify, and Postgres parses it once; an array parameter of
 * JSON texts instead makes the driver escape every quote of every document into an array
 * literal (the largest item of a recalculation's profile) and the server unescape it. A `json`
 * column of the record keeps its value's text exactly as written here.
 */
export function jsonRows(rows: readonly object[]): string {
  return JSON.stringify(rows);
}

/** Postgres error codes that mean "try the transaction again". */
const RETRYABLE = new Set(['40001', '40P01']);

export class ConcurrencyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConcurrencyError';
  }
}

export function isRetryable(error: unknown): boolean {
  if (error instanceof ConcurrencyError) return true;
  const code = pgCode(error);
  return code !== undefined && RETRYABLE.has(code);
}

export function pgCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether a failure goes away by waiting (the database, not the message) or stays (the message). */
export interface ErrorClass {
  temporary: boolean;
  /** A short name of the cause, for logs and /status (no message content). */
  reason: string;
}

/** SQLSTATEs (and classes: two characters) that are waited out; the rest of a class is as its class says. */
const TEMPORARY_STATES: Record<string, string> = {
  '08': 'connection exception',
  '40': 'transaction rollback',
  '40001': 'serialization failure',
  '40P01': 'deadlock',
  '53': 'insufficient resources',
  '53100': 'disk full',
  '53200': 'out of memory',
  '53300': 'too many connections',
  '55P03': 'lock not available',
  '57P01': 'admin shutdown',
  '57P02': 'crash shutdown',
  '57P03': 'cannot connect now',
  '57014': 'statement canceled (statement_timeout)',
  '25P03': 'idle in transaction timeout',
  '3D000': 'database does not exist yet',
};
/** The only database errors a message can cause by itself: its data, or a constraint it breaks. */
const PERMANENT_CLASSES: Record<string, string> = {
  '22': 'data exception',
  '23': 'integrity constraint violation',
};
/** Errors without a SQLSTATE that come from the pool, the driver or the network, never from a message. */
const TEMPORARY_MESSAGES =
  /timeout exceeded when trying to connect|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|Connection terminated|connection timeout|Client has encountered a connection error|not queryable|Cannot use a pool after calling end|Query runner already released|terminating connection|the database system is (starting up|shutting down|in recovery mode)/i;

/**
 * The one classification of failures while handling a message, by SQLSTATE class:
 * TEMPORARY (waited out without limit, never dead-lettered): 08 connection, 40 transaction
 * rollback, 53 insufficient resources, 55P03 lock not available, 57P01-57P03 shutdown / cannot
 * connect now, 57014 statement timeout, 25P03 idle-in-transaction timeout, 3D000 (a database not
 * created yet), any other SQLSTATE not listed (a server, schema or privilege problem: it needs an
 * operator, not a dead letter), a stream conflict that outlived its retries, and the pool's and the
 * network's own errors (pool timeout, connection reset or terminated).
 * PERMANENT (the message's fault: retried a few times, then dead-lettered): SQLSTATE class 22
 * data exception and 23 integrity constraint violation, and every error without a SQLSTATE that
 * the handler's own validation or decision threw.
 */
export function classifyError(error: unknown): ErrorClass {
  if (error instanceof ConcurrencyError) return { temporary: true, reason: 'stream conflict' };
  const code = pgCode(error);
  const system = (error as { syscall?: unknown })?.syscall !== undefined; // a Node system error (EPIPE, …), not a SQLSTATE
  if (code !== undefined && !system && /^[0-9A-Z]{5}$/.test(code)) {
    const cls = code.slice(0, 2);
    if (PERMANENT_CLASSES[cls]) return { temporary: false, reason: `SQLSTATE ${code} (${PERMANENT_CLASSES[cls]})` };
    const known = TEMPORARY_STATES[code] ?? TEMPORARY_STATES[cls];
    return { temporary: true, reason: `SQLSTATE ${code} (${known ?? 'unclassified database error'})` };
  }
  const message = String((error as Error)?.message ?? '');
  if (TEMPORARY_MESSAGES.test(message)) {
    const m = TEMPORARY_MESSAGES.exec(message);
    return { temporary: true, reason: `database unreachable (${m?.[0] ?? 'connection'})` };
  }
  return { temporary: false, reason: (error as Error)?.name ?? 'Error' };
}

/**
 * Errors that say the database (not the message) is the problem: a consumer waits these out,
 * never dead-letters for them; HTTP answers 503 (`classifyError`).
 */
export function isInfrastructureError(error: unknown): boolean {
  return classifyError(error).temporary;
}

export interface DatabaseOptions {
  /** postgres://user@host:port/database: the service's runtime role, which the service runs as. */
  url: string;
  /**
   * The migration role (postgres://migrator@host:port/database): at open it creates the database if
   * missing, runs the migrations, grants the runtime role (url's user) exactly `grants` and checks
   * that it can do no more, then its connection is closed. Without it the migrations run on `url`
   * itself (a scratch database of a test of the plumbing).
   */
  migration?: { url: string; grants: readonly TableGrant[] };
  poolSize: number;
  migrations: (new () => MigrationInterface)[];
  logger: Logger;
  applicationName: string;
  /** Per statement on the pool's connections (Postgres statement_timeout); default 30 s. */
  statementTimeoutMs?: number;
  /** A transaction left open and idle is ended by the server (idle_in_transaction_session_timeout); default 60 s. */
  idleInTransactionTimeoutMs?: number;
  /** How long a transaction waits for a free pool connection; default 5 s. */
  connectionTimeoutMs?: number;
  /** The migrations' statement timeout (they may rewrite big tables); default none (0). */
  migrationStatementTimeoutMs?: number;
}

/** Let the transaction in hand run and stay idle longer than the pool's limits (bulk batches). */
export async function allowLongTransaction(tx: Tx, ms: number): Promise<void> {
  const value = `${Math.max(0, Math.floor(ms))}ms`;
  await tx.query(`SELECT set_config('statement_timeout', $1, true), set_config('idle_in_transaction_session_timeout', $1, true)`, [value]);
}

/** The Postgres server URL with another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new Error(`no database name in ${url}`);
  return name;
}

/** The role a URL logs in as; a runtime URL must name it, for its grants are made to that role. */
export function roleOf(url: string): string {
  const role = decodeURIComponent(new URL(url).username);
  if (!role) throw new Error('the database URL names no role (postgres://role:password@host:port)');
  return role;
}

/** Create the database if the server does not have it yet (each agency owns one). */
export async function ensureDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  const admin = new Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } catch (e) {
        // created meanwhile by a sibling instance (42P04, or 23505 when both inserted at once)
        if (pgCode(e) !== '42P04' && pgCode(e) !== '23505') throw e;
      }
    }
  } finally {
    await admin.end();
  }
}

/**
 * Hold the database's migration lock (a session advisory lock on a connection of its own) until
 * the returned function is called. TypeORM takes no lock of its own: without this, two instances
 * starting together would run the same migration twice, and one of them would fail. A process
 * that dies holding it loses its connection, and with it the lock.
 */
export async function migrationLock(url: string, applicationName: string): Promise<() => Promise<void>> {
  const client = new Client({ connectionString: url, application_name: applicationName });
  await client.connect();
  client.on('error', () => undefined); // a connection lost while held: the lock goes with it
  try {
    await client.query("SELECT pg_advisory_lock(hashtext('msb-migrations'))");
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return async () => {
    await client.query("SELECT pg_advisory_unlock(hashtext('msb-migrations'))").catch(() => undefined);
    await client.end().catch(() => undefined);
  };
}

/**
 * The service's database: a TypeORM DataSource (migrations, never synchronize) with
 * transactions that retry on serialization failures, deadlocks and stream conflicts.
 */
export class Database {
  readonly dataSource: DataSource;
  private readonly logger: Logger;

  constructor(private readonly options: DatabaseOptions) {
    this.logger = options.logger;
    this.dataSource = new DataSource({
      type: 'postgres',
      url: options.url,
      synchronize: false,
      migrationsRun: false,
      migrations: options.migrations,
      migrationsTableName: 'migrations',
      applicationName: options.applicationName,
      poolSize: options.poolSize,
      extra: {
        max: options.poolSize,
        connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
        idleTimeoutMillis: 30000,
        // a statement or an idle transaction that hangs (a lost client, a lock queue) is cut by the server
        statement_timeout: options.statementTimeoutMs ?? 30000,
        idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 60000,
      },
      logging: false,
    });
  }

  get url(): string {
    return this.options.url;
  }

  async open(): Promise<void> {
    const { migration } = this.options;
    if (!migration) {
      await ensureDatabase(this.options.url);
      const unlock = await migrationLock(this.options.url, `${this.options.applicationName}-migration-lock`);
      try {
        await this.dataSource.initialize();
        await this.migrate(this.dataSource);
      } finally {
        await unlock();
      }
      return;
    }
    const role = roleOf(this.options.url);
    await ensureDatabase(migration.url);
    const migrator = new DataSource({
      type: 'postgres',
      url: migration.url,
      synchronize: false,
      migrationsRun: false,
      migrations: this.options.migrations,
      migrationsTableName: 'migrations',
      applicationName: `${this.options.applicationName}-migration`,
      poolSize: 1,
      extra: {
        max: 1,
        connectionTimeoutMillis: 5000,
        statement_timeout: this.options.migrationStatementTimeoutMs ?? 0,
        idle_in_transaction_session_timeout: 0,
      },
      logging: false,
    });
    // replicas starting at the same moment migrate and reconcile grants one after the other
    const unlock = await migrationLock(migration.url, `${this.options.applicationName}-migration-lock`);
    try {
      await migrator.initialize();
      try {
        await this.migrate(migrator);
        await migrator.transaction((m) => applyRuntimeGrants({ query: (sql, params) => m.query(sql, params) }, role, migration.grants));
      } finally {
        await migrator.destroy();
      }
    } finally {
      await unlock();
    }
    await this.dataSource.initialize();
  }

  private async migrate(dataSource: DataSource): Promise<void> {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const m of applied) this.logger.info({ migration: m.name }, 'migration applied');
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  /** A statement outside any transaction. */
  async query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await new RunnerTx(runner).query<T>(sql, params);
    } finally {
      await runner.release();
    }
  }

  /**
   * Run `work` in one transaction, retrying it from the start when Postgres asks to. Each
   * attempt is its own `Tx`: what it registered with `afterCommit` runs only if it committed.
   */
  async transaction<T>(work: (tx: Tx) => Promise<T>, attempts = 8): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const runner = this.dataSource.createQueryRunner();
      const tx = new RunnerTx(runner);
      try {
        await runner.connect();
        await runner.startTransaction();
        databaseStats.transactions += 1;
        const result = await work(tx);
        await runner.commitTransaction();
        settleTransaction(tx, { committed: true }, this.hookFailed);
        return result;
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        settleTransaction(tx, { committed: false, error }, this.hookFailed);
        if (attempt < attempts && isRetryable(error)) {
          await sleep(Math.min(1000, 5 * 2 ** attempt) * (0.5 + Math.random()));
          continue;
        }
        throw error;
      } finally {
        await runner.release();
      }
    }
  }

  private readonly hookFailed = (error: unknown) => this.logger.warn({ err: error }, 'an after-transaction hook failed');

  /** A dedicated connection, for LISTEN and session advisory locks. */
  async dedicatedClient(): Promise<Client> {
    const client = new Client({
      connectionString: this.options.url,
      application_name: `${this.options.applicationName}-dedicated`,
      statement_timeout: this.options.statementTimeoutMs ?? 30000,
    });
    await client.connect();
    return client;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
