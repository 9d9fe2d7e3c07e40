import { Admin, ITopicConfig, Kafka, logLevel, LogEntry } from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose logs go to the service's structured log. */
export function createKafka(options: KafkaOptions): Kafka {
  const log = options.logger.child({ component: 'kafka' });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
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
        log[lvl === 'error' && /Connection|ECONNREFUSED|not the leader|rebalanc/i.test(String(message)) ? 'warn' : lvl]({ label, ...rest }, String(message));
      },
  });
}

export interface TopicSpec {
  topic: string;
  numPartitions: number;
}

/** Create the topics if the broker does not have them (auto-creation is off on purpose). */
export async function ensureTopics(admin: Admin, specs: TopicSpec[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing: ITopicConfig[] = specs
    .filter((s) => !existing.has(s.topic))
    .map((s) => ({ topic: s.topic, numPartitions: s.numPartitions, replicationFactor: -1 }));
  if (missing.length === 0) return;
  try {
    await admin.createTopics({ topics: missing, waitForLeaders: true });
  } catch (error) {
    // Another service may have created the same topic at the same moment.
    if (!/already exists/i.test(String((error as Error).message))) throw error;
  }
}
