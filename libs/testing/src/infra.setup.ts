import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { repoRoot } from './repo-root.path';
import { databaseRoles } from './database-roles.setup';

export interface TestInfrastructure {
  kafkaBrokers: string;
  databaseUrl: string;
  source: 'environment' | 'testcontainers' | 'local';
  stop: () => Promise<void>;
}

async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await Promise.race([getContainerRuntimeClient(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 5000))]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Real Kafka and Postgres for the tests: from KAFKA_BROKERS / DATABASE_URL when set, else
 * Testcontainers when a Docker engine answers, else the local infrastructure
 * (deploy/local: a KRaft broker from the Apache Kafka jars, the local Postgres server).
 * DATABASE_URL names the server as an administrator; the services' migration and runtime roles
 * are made on it (deploy/local/database-roles.js) and the services run as those.
 */
export async function startTestInfrastructure(): Promise<TestInfrastructure> {
  if (process.env.KAFKA_BROKERS && process.env.DATABASE_URL) {
    await databaseRoles().ensureDatabaseRoles(process.env.DATABASE_URL, []);
    return {
      kafkaBrokers: process.env.KAFKA_BROKERS,
      databaseUrl: process.env.DATABASE_URL,
      source: 'environment',
      stop: async () => undefined,
    };
  }
  if (process.env.TESTCONTAINERS !== 'off' && (await dockerAnswers())) {
    const { KafkaContainer } = await import('@testcontainers/kafka');
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const [kafka, pg] = await Promise.all([
      process.env.KAFKA_BROKERS ? undefined : new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start(),
      process.env.DATABASE_URL
        ? undefined
        : new PostgreSqlContainer('postgres:15-alpine').withUsername('postgres').withPassword('postgres').start(),
    ]);
    const databaseUrl = process.env.DATABASE_URL ?? `postgres://postgres:postgres@${pg!.getHost()}:${pg!.getPort()}`;
    await databaseRoles().ensureDatabaseRoles(databaseUrl, []);
    return {
      kafkaBrokers: process.env.KAFKA_BROKERS ?? `${kafka!.getHost()}:${kafka!.getMappedPort(9093)}`,
      databaseUrl,
      source: 'testcontainers',
      stop: async () => {
        await Promise.all([kafka?.stop(), pg?.stop()]);
      },
    };
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const local = require(join(repoRoot(), 'deploy/local/infra.js')) as {
    upWithState: () => Promise<{ env: { KAFKA_BROKERS: string; DATABASE_URL: string }; startedKafka: boolean }>;
    down: () => Promise<void>;
  };
  const { env, startedKafka } = await local.upWithState();
  // a broker this run started is stopped again at the end; one that was already running is left alone
  return {
    kafkaBrokers: env.KAFKA_BROKERS,
    databaseUrl: env.DATABASE_URL,
    source: 'local',
    stop: async () => (startedKafka ? local.down() : undefined),
  };
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/** A scratch database on the test server, dropped by `drop()`. */
export async function scratchDatabase(prefix = 'msb_test'): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
  const name = uniqueName(prefix);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => dropDatabases([name]),
  };
}

export async function dropDatabases(names: string[]): Promise<void> {
  const server = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432');
  server.pathname = '/postgres';
  const admin = new Client({ connectionString: server.toString() });
  await admin.connect();
  try {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
