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

/**
 * Errors that say the database (not the message) is the problem: a connection refused or
 * cut, the server shutting down. A consumer must wait these out, never dead-letter for them.
 */
export function isInfrastructureError(error: unknown): boolean {
  const code = pgCode(error);
  if (code !== undefined && (code.startsWith('08') || code.startsWith('57') || code === '53300' || code === '3D000')) return true;
  const message = String((error as Error)?.message ?? '');
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Connection terminated|connection timeout|Client has encountered a connection error|not queryable|Cannot use a pool after calling end|Query runner already released|terminating connection/i.test(
    message,
  );
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
        if (pgCode(e) !== '42P04') throw e; // created meanwhile by a sibling instance
      }
    }
  } finally {
    await admin.end();
  }
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
      extra: { max: options.poolSize, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30000 },
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
      await this.dataSource.initialize();
      await this.migrate(this.dataSource);
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
      extra: { max: 1, connectionTimeoutMillis: 5000 },
      logging: false,
    });
    await migrator.initialize();
    try {
      await this.migrate(migrator);
      await migrator.transaction((m) => applyRuntimeGrants({ query: (sql, params) => m.query(sql, params) }, role, migration.grants));
    } finally {
      await migrator.destroy();
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
    const client = new Client({ connectionString: this.options.url, application_name: `${this.options.applicationName}-dedicated` });
    await client.connect();
    return client;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
