import { deadLetterTopic, prefixed, TopicName } from '@msb/contracts';
import {
  consumerLag,
  ConsumerRunner,
  ConsumerRunnerOptions,
  createKafka,
  Database,
  databaseStats,
  deadLetterCount,
  EVENTING_GRANTS,
  EventingTables1732400000000,
  EventsNoTruncate1732400000010,
  OutboxRelay,
  outboxPending,
  requireTopics,
  TableGrant,
} from '@msb/eventing';
import { Admin, Kafka, Partitioners, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { MigrationInterface } from 'typeorm';
import type { ServiceConfig } from './service.config';
import type { RecalculationWorker } from './recalculation.service';

export interface ConsumerSpec {
  /** Group name without prefix; one group per service and purpose. */
  group: string;
  topics: TopicName[];
  handlers?: ConsumerRunnerOptions['handlers'];
  handleBatch?: ConsumerRunnerOptions['handleBatch'];
  fromBeginning?: boolean;
  chunkSize?: number;
  /** Partitions processed at once (1 serialises the consumer's transactions). */
  partitionsConsumedConcurrently?: number;
  afterCommit?: ConsumerRunnerOptions['afterCommit'];
}

export interface RuntimeOptions {
  config: ServiceConfig;
  logger: Logger;
  migrations: (new () => MigrationInterface)[];
  /** What the runtime role may do to the service's own tables (the eventing tables' are added). */
  grants: readonly TableGrant[];
  /** Topics this service publishes to. */
  produces: TopicName[];
  /** Topics this service consumes (and whose dead-letter topics it writes). */
  consumes: TopicName[];
}

export interface ServiceStatus {
  consumerLag: number;
  outboxPending: number;
  parked: number;
  /** Person-years held for a missing upstream revision (a gap). */
  held: number;
  deadLettered: number;
  [extra: string]: unknown;
}

/**
 * Everything a service holds open besides HTTP: its database, its Kafka producer and admin,
 * the outbox relay and its consumers. Started before the HTTP port opens, stopped after it
 * closes: consumers finish the batch in hand, the relay flushes the outbox, then the rest.
 */
export class ServiceRuntime {
  readonly db: Database;
  readonly kafka: Kafka;
  readonly producer: Producer;
  readonly admin: Admin;
  readonly relay: OutboxRelay;
  readonly log: Logger;
  private readonly consumers: { spec: ConsumerSpec; runner: ConsumerRunner }[] = [];
  private kafkaUp = false;
  /** The service's bulk recalculation worker, if it has one (its progress shows in /status). */
  recalculation?: RecalculationWorker;
  /** Service-specific figures for /status. */
  extraStatus?: () => Promise<Record<string, unknown>>;
  /** Person-years held for a missing upstream revision, for /status. */
  heldCounter?: () => Promise<number>;
  private stopping = false;
  private stopped = false;

  constructor(readonly options: RuntimeOptions) {
    const { config, logger } = options;
    this.log = logger;
    this.db = new Database({
      url: config.databaseUrl,
      poolSize: config.DATABASE_POOL_SIZE,
      migrations: [EventingTables1732400000000, EventsNoTruncate1732400000010, ...options.migrations],
      migration: { url: config.migrationDatabaseUrl, grants: [...EVENTING_GRANTS, ...options.grants] },
      logger,
      applicationName: config.service,
    });
    this.kafka = createKafka({
      brokers: config.brokers,
      clientId: `${config.service}-${config.INSTANCE_ID}`,
      logger,
      sasl: { username: config.KAFKA_SASL_USERNAME, password: config.KAFKA_SASL_PASSWORD },
      ssl: config.KAFKA_SSL === 'true',
    });
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = this.kafka.admin();
    this.relay = new OutboxRelay({
      db: this.db,
      producer: this.producer,
      logger: logger.child({ component: 'outbox-relay' }),
      topicPrefix: (t) => this.topic(t),
    });
    this.producer.on(this.producer.events.DISCONNECT, () => (this.kafkaUp = false));
    this.producer.on(this.producer.events.CONNECT, () => (this.kafkaUp = true));
  }

  get config(): ServiceConfig {
    return this.options.config;
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  /** The broker-side name of a topic (with this deployment's prefix). */
  topic(name: string): string {
    return prefixed(this.options.config.TOPIC_PREFIX, name);
  }

  group(name: string): string {
    return prefixed(this.options.config.TOPIC_PREFIX, name);
  }

  async start(): Promise<void> {
    await this.db.open();
    await this.admin.connect();
    await requireTopics(
      this.admin,
      [
        ...this.options.produces.map((t) => this.topic(t)),
        ...this.options.consumes.map((t) => this.topic(t)),
        ...this.options.consumes.map((t) => deadLetterTopic(this.topic(t))),
      ],
      this.options.config.KAFKA_SASL_USERNAME,
    );
    await this.producer.connect();
    this.kafkaUp = true;
    await this.relay.start();
  }

  async startConsumer(spec: ConsumerSpec): Promise<ConsumerRunner> {
    const runner = new ConsumerRunner({
      kafka: this.kafka,
      db: this.db,
      producer: this.producer,
      logger: this.log,
      groupId: this.group(spec.group),
      topics: spec.topics.map((t) => this.topic(t)),
      topicPrefix: this.options.config.TOPIC_PREFIX,
      handlers: spec.handlers,
      handleBatch: spec.handleBatch,
      fromBeginning: spec.fromBeginning ?? true,
      chunkSize: spec.chunkSize,
      partitionsConsumedConcurrently: spec.partitionsConsumedConcurrently,
      afterCommit: spec.afterCommit,
    });
    this.consumers.push({ spec, runner });
    await runner.start();
    return runner;
  }

  /** Refuse new writes from now on (HTTP answers 503 to them). */
  markStopping(): void {
    this.stopping = true;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopping = true;
    for (const { runner } of this.consumers) await runner.stop().catch((e) => this.log.warn({ err: e }, 'consumer stop failed'));
    await this.relay.stop();
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
    await this.db.close();
  }

  async status(parked: () => Promise<number>): Promise<ServiceStatus> {
    let lag = 0;
    for (const { spec } of this.consumers) {
      lag += await consumerLag(
        this.admin,
        this.group(spec.group),
        spec.topics.map((t) => this.topic(t)),
      );
    }
    const open = this.recalculation ? await this.recalculation.open() : [];
    return {
      consumerLag: lag,
      outboxPending: await outboxPending(this.db),
      parked: await parked(),
      held: (await this.heldCounter?.()) ?? 0,
      deadLettered: await deadLetterCount(this.db),
      recalculating: open.length,
      recalculations: open.map((j) => ({
        region: j.region,
        year: j.year,
        policyRevision: j.policyRevision,
        status: j.status,
        processed: j.processed,
        total: j.total,
        changed: j.changed,
      })),
      consumed: this.consumers.reduce((n, c) => n + c.runner.processed, 0),
      consumerTransactions: this.consumers.reduce((n, c) => n + c.runner.transactions, 0),
      published: this.relay.published,
      database: { ...databaseStats },
      ...(await this.extraStatus?.()),
    };
  }

  async health(): Promise<{ status: 'ok' | 'unavailable'; database: 'up' | 'down'; kafka: 'up' | 'down' }> {
    let database: 'up' | 'down' = 'down';
    try {
      await this.db.query('SELECT 1');
      database = 'up';
    } catch {
      database = 'down';
    }
    let kafka: 'up' | 'down' = 'down';
    try {
      await this.admin.describeCluster();
      kafka = this.kafkaUp ? 'up' : 'down';
    } catch {
      kafka = 'down';
    }
    return { status: database === 'up' && kafka === 'up' && !this.stopping ? 'ok' : 'unavailable', database, kafka };
  }
}
