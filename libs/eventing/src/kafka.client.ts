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
        log[lvl === 'error' && /Connection|ECONNREFUSED|not the leader|rebalanc/i.test(String(message)) ? 'warn' : lvl](
          { label, ...rest },
          String(message),
        );
      },
  });
}

export interface TopicSpec {
  topic: string;
  numPartitions: number;
}

/** True when every error inside a kafkajs (aggregate) error says the topic already exists. */
function onlyAlreadyExists(error: unknown): boolean {
  const inner = (error as { errors?: unknown[] }).errors;
  const list = Array.isArray(inner) && inner.length > 0 ? inner : [error];
  return list.every(
    (e) => (e as { type?: string }).type === 'TOPIC_ALREADY_EXISTS' || /already exists/i.test(String((e as Error).message)),
  );
}

/**
 * Create the topics if the broker does not have them (auto-creation is off on purpose), then
 * wait until every partition has a leader: services starting together race to create the
 * same topics, and a topic one of them just created may not be served yet.
 */
export async function ensureTopics(admin: Admin, specs: TopicSpec[], timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const existing = new Set(await admin.listTopics());
      const missing: ITopicConfig[] = specs
        .filter((s) => !existing.has(s.topic))
        .map((s) => ({ topic: s.topic, numPartitions: s.numPartitions, replicationFactor: -1 }));
      if (missing.length > 0) {
        try {
          await admin.createTopics({ topics: missing, waitForLeaders: false });
        } catch (error) {
          if (!onlyAlreadyExists(error)) throw error;
        }
      }
      const { topics } = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.topic) });
      if (topics.length === specs.length && topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)))
        return;
    } catch (error) {
      // a topic another service created a moment ago may not be served yet: ask again
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics not ready within ${timeoutMs} ms: ${specs.map((s) => s.topic).join(', ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
