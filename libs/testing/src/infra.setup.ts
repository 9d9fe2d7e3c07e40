import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { repoRoot } from './repo-root.path';

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
 * Real Kafka and Postgres for the tests. Kafka is always the closed bus (SASL/SCRAM, ACLs):
 * KAFKA_BROKERS with its secrets in KAFKA_CREDENTIALS_DIR, else the local broker
 * (deploy/local: a KRaft broker from the Apache Kafka jars), which is started when missing.
 * Postgres: DATABASE_URL, else Testcontainers when a Docker engine answers, else the local
 * server. Each test system provisions its own topic prefix.
 */
export async function startTestInfrastructure(): Promise<TestInfrastructure> {
  let pg: { stop: () => Promise<unknown> } | undefined;
  if (!process.env.DATABASE_URL && process.env.TESTCONTAINERS !== 'off' && (await dockerAnswers())) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:15-alpine').withUsername('postgres').withPassword('postgres').start();
    pg = container;
    process.env.DATABASE_URL = `postgres://postgres:postgres@${container.getHost()}:${container.getPort()}`;
  }
  const source = process.env.KAFKA_BROKERS && process.env.DATABASE_URL ? 'environment' : pg ? 'testcontainers' : 'local';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const local = require(join(repoRoot(), 'deploy/local/infra.js')) as {
    upWithState: (options: {
      provision: boolean;
    }) => Promise<{ env: { KAFKA_BROKERS: string; DATABASE_URL: string }; startedKafka: boolean }>;
    down: () => Promise<void>;
  };
  const { env, startedKafka } = await local.upWithState({ provision: false });
  // a broker this run started is stopped again at the end; one that was already running is left alone
  return {
    kafkaBrokers: env.KAFKA_BROKERS,
    databaseUrl: env.DATABASE_URL,
    source,
    stop: async () => {
      if (startedKafka) await local.down();
      await pg?.stop();
    },
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
