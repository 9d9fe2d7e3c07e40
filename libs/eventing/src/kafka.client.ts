import { Admin, Kafka, logLevel, LogEntry, SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** The agency's own principal (SASL/SCRAM-SHA-512); the bus has no anonymous listener. */
  sasl?: { username: string; password: string };
  /** TLS to the brokers (the system's CAs, plus NODE_EXTRA_CA_CERTS for a private one). */
  ssl?: boolean;
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

function scram(credentials: { username: string; password: string }): SASLOptions {
  return { mechanism: 'scram-sha-512', username: credentials.username, password: credentials.password };
}

/** A kafkajs client whose logs go to the service's structured log. */
export function createKafka(options: KafkaOptions): Kafka {
  const log = options.logger.child({ component: 'kafka' });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ssl: options.ssl === true,
    sasl: options.sasl ? scram(options.sasl) : undefined,
    connectionTimeout: 5000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 200, retries: 10, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, label, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        // kafkajs reports every reconnect attempt at ERROR while a broker restarts; they are retried.
        const lvl = LEVELS[level] ?? 'info';
        log[lvl === 'error' && /Connection|ECONNREFUSED|not the leader|rebalanc/i.test(String(message)) ? 'warn' : lvl](
          { label, ...rest },
          String(message),
        );
      },
  });
}

/**
 * The topics a service needs must already exist: they are provisioned by the bus's admin,
 * and a service may not create them. A topic that is missing, or that this principal may not
 * describe, stops the start with its name and how to provision it. Waits (up to `timeoutMs`)
 * only for partitions still without a leader, as right after a broker restart.
 */
export async function requireTopics(admin: Admin, topics: string[], principal: string, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    throw new Error(
      `Kafka topic${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing, or not visible to principal ${principal}. ` +
        'Services do not create topics: provision them (and their ACLs) with the bus admin, with the same TOPIC_PREFIX: `npm run infra:up` for the local broker, ' +
        '`node deploy/local/infra.js provision` for KAFKA_BROKERS, or the KafkaTopic/KafkaUser resources of deploy/k8s.',
    );
  }
  for (;;) {
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
    const leaderless = metadata.filter((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0)).map((t) => t.name);
    if (leaderless.length === 0) return;
    if (Date.now() > deadline) throw new Error(`Kafka topics without a leader after ${timeoutMs} ms: ${leaderless.join(', ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
