import { DEAD_LETTER_TOPIC_SETTINGS, deadLetterTopic, EVENT_TOPIC_SETTINGS, prefixed, TopicName } from '@msb/contracts';
import {
  consumerLag,
  ConsumerRunner,
  ConsumerRunnerOptions,
  createKafka,
  Database,
  databaseStats,
  deadLetterCount,
  EVENTING_GRANTS,
  EVENTING_MIGRATIONS,
  OutboxRelay,
  outboxPending,
  outboxSetAside,
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
      statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
      idleInTransactionTimeoutMs: config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      migrations: [...EVENTING_MIGRATIONS, ...options.migrations],
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
    const producerConfig = {
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    };
    this.producer = this.kafka.producer(producerConfig);
    this.admin = this.kafka.admin();
    this.relay = new OutboxRelay({
      db: this.db,
      producer: this.producer,
      logger: logger.child({ component: 'outbox-relay' }),
      topicPrefix: (t) => this.topic(t),
      maxBatchBytes: config.OUTBOX_MAX_BATCH_BYTES,
      renewProducer: async () => {
        const fresh = this.kafka.producer(producerConfig);
        await fresh.connect();
        return fresh;
      },
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
    // event topics with the configured partitions and kept forever; dead-letter topics with theirs
    const events = { partitions: this.options.config.TOPIC_PARTITIONS, config: EVENT_TOPIC_SETTINGS.config };
    const deadLetters = { partitions: DEAD_LETTER_TOPIC_SETTINGS.partitions, config: {} };
    await requireTopics(
      this.admin,
      [
        ...[...new Set([...this.options.produces, ...this.options.consumes])].map((t) => ({ name: this.topic(t), ...events })),
        ...this.options.consumes.map((t) => ({ name: deadLetterTopic(this.topic(t)), ...deadLetters })),
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

  /** The running consumer of a group (full name) that reads a topic (full name): who re-drives its dead letters. */
  consumerFor(groupId: string, topic: string): ConsumerRunner | undefined {
    return this.consumers.find((c) => this.group(c.spec.group) === groupId && c.spec.topics.some((t) => this.topic(t) === topic))?.runner;
  }

  /** The consumer groups started (broker-side names) and the topics each reads (for the lag metrics). */
  consumerGroups(): { group: string; topics: string[] }[] {
    return this.consumers.map(({ spec }) => ({ group: this.group(spec.group), topics: spec.topics.map((t) => this.topic(t)) }));
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

  /** The lag of this service's consumer groups, summed: the group's, the same seen from every instance. */
  async consumerLag(): Promise<number> {
    let lag = 0;
    for (const { spec } of this.consumers) {
      lag += await consumerLag(
        this.admin,
        this.group(spec.group),
        spec.topics.map((t) => this.topic(t)),
      );
    }
    return lag;
  }

  /** This instance's consumers: whether each is a running member of its group. */
  consumerStates(): { group: string; running: boolean }[] {
    return this.consumers.map(({ spec, runner }) => ({ group: this.group(spec.group), running: runner.isRunning }));
  }

  async status(parked: () => Promise<number>): Promise<ServiceStatus> {
    const lag = await this.consumerLag();
    const open = this.recalculation ? await this.recalculation.open() : [];
    return {
      // which instance answered: the figures below marked per instance are this one's alone
      instance: this.options.config.INSTANCE_ID,
      consumerLag: lag,
      outboxPending: await outboxPending(this.db),
      // outbox rows too large to ever publish, moved aside for an operator: zero when all is well
      outboxSetAside: await outboxSetAside(this.db),
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
      // partitions this instance holds still: stopped at an event of a newer version (until an upgraded
      // consumer reads it) or waiting out a temporary failure (the database); none when all is well
      paused: this.consumers.flatMap((c) =>
        [...c.runner.paused, ...c.runner.stalls.list()].map((p) => ({ group: this.group(c.spec.group), ...p })),
      ),
      // per instance (since it started): consumed, consumerTransactions, published, database
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
