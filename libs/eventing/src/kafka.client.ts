import { Admin, ConfigResourceTypes, Kafka, logLevel, LogEntry, SASLOptions } from 'kafkajs';
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

/** A topic a service needs, with what it must have been provisioned with. */
export interface RequiredTopic {
  name: string;
  partitions: number;
  /** Topic configs that must hold exactly (an event topic's retention: kept forever); none for dead-letter topics. */
  config: Readonly<Record<string, string>>;
}

/** What the broker says of a topic: its partition count and its effective configs. */
export interface FoundTopic {
  partitions: number;
  config: Readonly<Record<string, string | undefined>>;
}

/**
 * How a topic differs from what the service needs, one sentence each: a partition count other
 * than the configured one (keys would map to other partitions than the producers' and the
 * group's), a config that differs (a finite retention silently drops the history that audit and
 * projections rebuild from).
 */
export function topicProblems(required: RequiredTopic, found: FoundTopic): string[] {
  const problems: string[] = [];
  if (found.partitions !== required.partitions) {
    problems.push(
      `${required.name} has ${found.partitions} partition${found.partitions === 1 ? '' : 's'}, configured ${required.partitions} ` +
        "(TOPIC_PARTITIONS): a topic's partitions are not changed in place; recreate it with that count, or set TOPIC_PARTITIONS to its count for provisioning and every service",
    );
  }
  for (const [name, value] of Object.entries(required.config)) {
    const actual = found.config[name];
    if (actual === value) continue;
    const why = name.startsWith('retention.')
      ? ' (event topics keep everything: a finite retention deletes the history audit rebuilds from)'
      : '';
    problems.push(
      `${required.name} has ${name}=${actual ?? '(unset)'}, needs ${name}=${value}${why}: provision again (node deploy/local/infra.js provision ` +
        `brings existing topics to the declared configs; on Kubernetes the KafkaTopic of deploy/k8s/kafka), or ` +
        `kafka-configs.sh --alter --entity-type topics --entity-name ${required.name} --add-config ${name}=${value}`,
    );
  }
  return problems;
}

/**
 * The topics a service needs must already exist, as provisioned: they are made by the bus's
 * admin, and a service may not create them. A topic that is missing, or that this principal may
 * not describe, stops the start with its name and how to provision it; so does one with another
 * partition count or a finite retention (`topicProblems`). Waits (up to `timeoutMs`) only for
 * partitions still without a leader, as right after a broker restart.
 */
export async function requireTopics(admin: Admin, required: RequiredTopic[], principal: string, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const topics = required.map((t) => t.name);
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
    if (leaderless.length === 0) {
      const configs = await admin
        .describeConfigs({ resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })), includeSynonyms: false })
        .catch((error: Error) => {
          throw new Error(
            `principal ${principal} may not describe the configs of its topics (${error.message}): the services check retention and ` +
              'partitions at start; provision the bus again to grant DescribeConfigs on them (node deploy/local/infra.js provision, or deploy/k8s/kafka/users.yaml)',
          );
        });
      const problems = required.flatMap((t) => {
        const resource = configs.resources.find((r) => r.resourceName === t.name);
        const config = Object.fromEntries((resource?.configEntries ?? []).map((e) => [e.configName, e.configValue]));
        const partitions = metadata.find((m) => m.name === t.name)?.partitions.length ?? 0;
        return topicProblems(t, { partitions, config });
      });
      if (problems.length > 0) throw new Error(`Kafka topics not as provisioned:\n  ${problems.join('\n  ')}`);
      return;
    }
    if (Date.now() > deadline) throw new Error(`Kafka topics without a leader after ${timeoutMs} ms: ${leaderless.join(', ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
