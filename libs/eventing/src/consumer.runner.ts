import { AnyEnvelope, decodeMessage, deadLetterTopic, Envelope, EventType, provenanceFailure, TypedEnvelope } from '@msb/contracts';
import { CompressionTypes, type Consumer, type EachBatchPayload, type Kafka, type KafkaMessage, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { classifyError, Database, sleep, Tx } from './database.client';
import { Batcher, Outcome } from './request.batcher';
import { claimInbox } from './inbox.store';
import { PartitionStalls, StallOptions } from './partition.stalls';
import { traceHandling } from './consumer.tracing';
import { context as traceContext, ROOT_CONTEXT } from '@opentelemetry/api';

export interface MessageContext {
  topic: string;
  partition: number;
  offset: string;
}

export type MessageHandler<T extends EventType = EventType> = (
  tx: Tx,
  envelope: TypedEnvelope<T>,
  context: MessageContext,
) => Promise<void>;
export type MessageHandlers = { [T in EventType]?: MessageHandler<T> };

/** A consumed message with where it came from (and, when it was upcast, as it was published). */
export interface Consumed {
  envelope: AnyEnvelope;
  context: MessageContext;
  published?: Envelope;
}

/**
 * Handles every new message of a chunk at once, in the chunk's transaction (one lock, one
 * read and one write for many person-years instead of one per message).
 */
export type BatchHandler = (tx: Tx, messages: Consumed[]) => Promise<void>;

export interface ConsumerRunnerOptions {
  kafka: Kafka;
  db: Database;
  producer: Producer;
  logger: Logger;
  /** Kafka consumer group; also the inbox's consumer name. */
  groupId: string;
  /** Full (prefixed) topic names to subscribe to. */
  topics: string[];
  /** The deployment's TOPIC_PREFIX, to know each topic's logical name (and so its owner). */
  topicPrefix?: string;
  /** Handlers by event type. Valid events of other types on these topics are acknowledged and skipped. */
  handlers?: MessageHandlers;
  /** Or one handler for all the new messages of a chunk. */
  handleBatch?: BatchHandler;
  fromBeginning?: boolean;
  /** Messages per database transaction. */
  chunkSize?: number;
  /** Attempts for a message that fails on its own before it is dead-lettered. */
  maxAttempts?: number;
  backoffMs?: number;
  /** Backoff of a partition paused by a temporary failure (retried without limit). */
  stalls?: StallOptions;
  partitionsConsumedConcurrently?: number;
  /** Fetch tuning: the broker answers a fetch when it has this many bytes or the wait is over. */
  fetchMinBytes?: number;
  fetchMaxWaitMs?: number;
  /** Called after each committed chunk with the envelopes it processed (e.g. to wake follow-up work). */
  afterCommit?: (envelopes: AnyEnvelope[]) => void;
}

/**
 * Partitions handled at once, and chunks merged into one transaction: every partition a consumer
 * reads (two topics of 12 partitions here, with room). kafkajs fetches again only once every batch
 * of a fetch is handled, so with fewer at once a fetch's batches wait for each other's
 * transactions in turns (measured: basic's slips consumer at 100 claims/s lagged 2.1 s with 6 at
 * once, 0.75 s with all), while a transaction costs nearly the same for 1 chunk or 24.
 */
const ALL_PARTITIONS = 48;

/** One partition's chunk, waiting to share a transaction with other partitions' chunks. */
interface ChunkWork {
  topic: string;
  partition: number;
  invalid: Decoded[];
  valid: Decoded[];
}

interface Decoded {
  message: KafkaMessage;
  envelope?: AnyEnvelope;
  published?: Envelope;
  failure?: { reason: string; detail: string };
  /** A type's version above the one this code reads: its partition stops here. */
  newer?: { type: string; version: number };
  id: string;
}

/** A partition this consumer stopped at a message it may not skip (GET /status `paused`). */
export interface StoppedPartition {
  topic: string;
  partition: number;
  /** The first offset not processed (and not committed). */
  offset: string;
  reason: 'NEWER_VERSION';
  since: string;
  type: string;
  version: number;
}

/**
 * The one way every service consumes Kafka. Per chunk of a batch: decode and validate,
 * dead-letter what is invalid or misplaced (a type of another topic, a source that does not
 * own the topic), then in ONE database transaction claim the inbox and run the
 * handlers; commit the offsets only after that transaction commits. A chunk that fails is
 * retried message by message with backoff; a message that still fails goes to
 * `<topic>.dlt` with its reason in headers, and consumption carries on. Temporary failures
 * (`classifyError`: the database, not the message) are waited out without limit, the partition
 * paused meanwhile (`PartitionStalls`), never dead-lettered. An event of a newer version than
 * this code reads stops its partition there (paused, not committed, shown in `paused`), the others go on.
 */
export class ConsumerRunner {
  private consumer?: Consumer;
  private readonly log: Logger;
  processed = 0;
  deadLettered = 0;
  lastActivity = 0;
  transactions = 0;
  private running = false;
  /** Partitions stopped at a newer version until a consumer that reads it takes them over. */
  private readonly stoppedAt = new Map<string, StoppedPartition>();
  private readonly alerted = new Set<string>();
  /** A member of its group, consuming (false before it joined, after a crash until it rejoins, once stopped). */
  private member = false;
  /**
   * Chunks of the partitions being consumed at the same moment share one transaction (group
   * commit): each partition still commits its own offsets, after that transaction.
   */
  private readonly merger = new Batcher<ChunkWork, AnyEnvelope[]>((works) => this.processMerged(works), {
    maxBatch: ALL_PARTITIONS,
    maxInFlight: 2,
  });
  /**
   * The offsets of the chunks of one merged transaction commit together: one request to the
   * group coordinator for the partitions that shared it, not one per partition (a failed request
   * fails each of its partitions' batches, whose messages are then fetched again and dropped by the inbox).
   */
  private readonly committer = new Batcher<{ topic: string; partition: number; offset: string }, void>(
    async (offsets) => {
      await this.consumer?.commitOffsets(offsets);
      return offsets.map(() => ({ ok: true, value: undefined }));
    },
    { maxBatch: ALL_PARTITIONS, maxInFlight: 1 },
  );
  /** Partitions paused by a temporary failure, for /status. */
  readonly stalls: PartitionStalls;

  constructor(private readonly options: ConsumerRunnerOptions) {
    this.log = options.logger.child({ component: 'consumer', groupId: options.groupId });
    this.stalls = new PartitionStalls(this.log, options.stalls);
  }

  async start(): Promise<void> {
    const { kafka, groupId, topics } = this.options;
    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: 30000,
      rebalanceTimeout: 60000,
      heartbeatInterval: 3000,
      maxBytesPerPartition: 2 * 1024 * 1024,
      // a long poll: the broker answers at once when anything is there, else after maxWait. Under
      // load the messages that came while a chunk was handled make the next chunk (batches grow
      // with the load, none when idle); idle, a consumer fetches twice a second, not 50 times
      minBytes: this.options.fetchMinBytes ?? 1,
      maxWaitTimeInMs: this.options.fetchMaxWaitMs ?? 500,
      retry: { retries: 30, initialRetryTime: 300, maxRetryTime: 10000 },
    });
    this.consumer = consumer;
    this.running = true;
    this.stalls.retain(); // a consumer (re)started owns no partition yet
    // a new assignment reads every partition again from its committed offset: one still at a
    // newer version stops there again, one another member has since moved past goes on
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.member = this.running;
      const stopped = [...this.stoppedAt.values()].map((p) => ({ topic: p.topic, partitions: [p.partition] }));
      this.stoppedAt.clear();
      if (stopped.length > 0) consumer.resume(stopped);
    });
    // kafkajs restarts a crashed consumer after retriable errors only; after any other crash
    // (a broker gone for longer than the retries) start again rather than stop consuming.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.member = false;
      if (payload.restart || !this.running) return;
      this.log.warn({ err: payload.error }, 'consumer crashed; starting it again');
      void this.restart(consumer);
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
      this.stalls.retain((topic, partition) => payload.memberAssignment[topic]?.includes(partition) ?? false),
    );
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: this.options.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? ALL_PARTITIONS,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  private async restart(crashed: Consumer): Promise<void> {
    await crashed.disconnect().catch(() => undefined);
    for (let attempt = 1; this.running; attempt++) {
      await sleep(Math.min(10000, 1000 * attempt));
      if (!this.running) return;
      try {
        await this.start();
        return;
      } catch (error) {
        this.log.warn({ err: error, attempt }, 'consumer restart failed; trying again');
        await this.consumer?.disconnect().catch(() => undefined);
      }
    }
  }

  /**
   * Leave the group after the batch in hand. A consumer still joining (a broker just back)
   * is not waited for longer than `graceMs`: what it had not committed is redelivered to the
   * next owner, and the inbox drops what was already applied.
   */
  get isRunning(): boolean {
    return this.member;
  }

  async stop(graceMs = 10000): Promise<void> {
    this.running = false;
    this.member = false;
    this.stalls.retain();
    const consumer = this.consumer;
    if (!consumer) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([consumer.disconnect().catch(() => undefined), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
  }

  private decode(message: KafkaMessage, topic: string, partition: number): Decoded {
    const fallbackId = `${topic}:${partition}:${message.offset}`;
    const result = decodeMessage(message.value);
    const prefix = this.options.topicPrefix ? `${this.options.topicPrefix}.` : '';
    const logical = prefix && topic.startsWith(prefix) ? topic.slice(prefix.length) : topic;
    // a newer version stops the partition only when its owner sent it: a forged one is dead-lettered
    const misplaced = (result.ok || result.reason === 'NEWER_VERSION') && result.envelope && provenanceFailure(result.envelope, logical);
    if (misplaced) return { message, failure: { reason: misplaced.reason, detail: misplaced.detail }, id: fallbackId };
    if (!result.ok && result.reason === 'NEWER_VERSION' && result.envelope)
      return { message, newer: { type: result.envelope.type, version: result.envelope.version }, id: result.envelope.id };
    if (!result.ok) return { message, failure: { reason: result.reason, detail: result.detail }, id: fallbackId };
    return { message, envelope: result.envelope, published: result.published, id: result.envelope.id };
  }

  /** The partitions stopped at a message of a newer version, as kafkajs still holds them paused. */
  get paused(): StoppedPartition[] {
    const held = new Set((this.consumer?.paused() ?? []).flatMap(({ topic, partitions }) => partitions.map((p) => `${topic}:${p}`)));
    return [...this.stoppedAt.entries()].filter(([k]) => held.has(k)).map(([, p]) => p);
  }

  /**
   * Stop a partition at a message of a newer version: never dead-lettered, never skipped, its
   * offset not committed; the partition stays paused (the others go on) until a consumer that
   * reads the version owns it. One error log per message.
   */
  private stopAt(payload: EachBatchPayload, d: Decoded): void {
    const { topic, partition } = payload.batch;
    payload.pause();
    const { type, version } = d.newer!;
    const stopped: StoppedPartition = {
      topic,
      partition,
      offset: d.message.offset,
      reason: 'NEWER_VERSION',
      since: new Date().toISOString(),
      type,
      version,
    };
    this.stoppedAt.set(`${topic}:${partition}`, stopped);
    if (this.alerted.has(`${topic}:${partition}:${d.message.offset}`)) return;
    this.alerted.add(`${topic}:${partition}:${d.message.offset}`);
    this.log.error(
      { topic, partition, offset: d.message.offset, type, version },
      'partition paused: an event of a newer version than this consumer reads; an upgraded consumer will go on from it',
    );
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, resolveOffset, pause } = payload;
    const chunkSize = this.options.chunkSize ?? 200;
    if (this.stalls.holds(batch.topic, batch.partition, pause)) return; // fetched again from the committed offset when resumed
    for (let i = 0; i < batch.messages.length; i += chunkSize) {
      if (!isRunning() || isStale()) return;
      const decoded = batch.messages.slice(i, i + chunkSize).map((m) => this.decode(m, batch.topic, batch.partition));
      // the messages before one of a newer version are processed and committed; it and all after it wait
      const stop = decoded.findIndex((d) => d.newer);
      const chunk = stop < 0 ? decoded : decoded.slice(0, stop);
      if (stop === 0) return this.stopAt(payload, decoded[0]);
      let processed: AnyEnvelope[];
      try {
        processed = await this.processChunk(batch.topic, batch.partition, chunk);
      } catch (error) {
        // what reaches here is never the message's fault (that is dead-lettered within): wait and try again
        if (isRunning()) this.stalls.stall(batch.topic, batch.partition, error, pause);
        return;
      }
      this.stalls.cleared(batch.topic, batch.partition);
      const last = chunk[chunk.length - 1].message.offset;
      resolveOffset(last);
      await this.committer.submit({ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() });
      this.processed += chunk.length;
      this.lastActivity = Date.now();
      if (processed.length > 0) this.options.afterCommit?.(processed);
      if (stop > 0) return this.stopAt(payload, decoded[stop]);
      await heartbeat();
    }
  }

  /** Returns the envelopes whose handlers ran and committed. */
  private async processChunk(topic: string, partition: number, chunk: Decoded[]): Promise<AnyEnvelope[]> {
    const invalid = chunk.filter((d) => d.failure);
    for (const d of invalid) {
      await this.sendToDeadLetter(topic, partition, d, d.failure!.reason, d.failure!.detail);
    }
    // One occurrence per message id (a re-published outbox row may appear twice in one batch).
    const seen = new Set<string>();
    const valid = chunk.filter((d) => d.envelope && !seen.has(d.id) && seen.add(d.id));
    return this.merger.submit({ topic, partition, invalid, valid });
  }

  /** Several partitions' chunks in one transaction; on failure each chunk alone, then each message alone. */
  private async processMerged(works: ChunkWork[]): Promise<Outcome<AnyEnvelope[]>[]> {
    try {
      this.transactions += 1;
      const results = await this.options.db.transaction(async (tx) => {
        for (const w of works) await this.recordDeadLetters(tx, w.topic, w.partition, w.invalid);
        return this.handle(tx, works);
      });
      return results.map((value) => ({ ok: true, value }));
    } catch (error) {
      if (classifyError(error).temporary) return works.map(() => ({ ok: false, error })); // the partitions pause and try again
      if (works.length > 1) {
        const outcomes: Outcome<AnyEnvelope[]>[] = [];
        for (const w of works) outcomes.push(...(await this.processMerged([w])));
        return outcomes;
      }
      const [w] = works;
      this.log.warn(
        { err: error, topic: w.topic, partition: w.partition, size: w.valid.length },
        'chunk failed; processing its messages one by one',
      );
      try {
        await this.options.db.transaction((tx) => this.recordDeadLetters(tx, w.topic, w.partition, w.invalid));
        const done: AnyEnvelope[] = [];
        for (const d of w.valid) done.push(...(await this.processAlone(w.topic, w.partition, d)));
        return [{ ok: true, value: done }];
      } catch (inner) {
        return [{ ok: false, error: inner }];
      }
    }
  }

  /** Claim the inbox for every message, then run the handlers on the new ones; returns them per chunk. */
  private async handle(tx: Tx, works: ChunkWork[]): Promise<AnyEnvelope[][]> {
    const fresh = await claimInbox(
      tx,
      this.options.groupId,
      works.flatMap((w) => w.valid.map((d) => d.id)),
    );
    const perWork = works.map((w) =>
      w.valid
        .filter((d) => fresh.delete(d.id))
        .map((d): Consumed => ({
          envelope: d.envelope!,
          context: { topic: w.topic, partition: w.partition, offset: d.message.offset },
          ...(d.published ? { published: d.published } : {}),
        })),
    );
    const batch = perWork.flat();
    // each message is handled in a span of its own; what it causes carries that span (consumer.tracing.ts)
    const headers = new Map(works.flatMap((w) => w.valid.map((d) => [d.id, d.message.headers] as const)));
    const traced = traceHandling(
      tx,
      this.options.groupId,
      batch.map((b) => ({ ...b.context, id: b.envelope.id, type: b.envelope.type, headers: headers.get(b.envelope.id) })),
    );
    if (this.options.handleBatch) {
      if (batch.length > 0) await traceContext.with(ROOT_CONTEXT, () => this.options.handleBatch!(tx, batch));
    } else {
      for (const { envelope, context } of batch) {
        const handler = this.options.handlers?.[envelope.type] as MessageHandler | undefined;
        if (handler) await traceContext.with(traced.get(envelope.id)!, () => handler(tx, envelope as TypedEnvelope<EventType>, context));
      }
    }
    return perWork.map((list) => list.map((b) => b.envelope));
  }

  private async processAlone(topic: string, partition: number, d: Decoded): Promise<AnyEnvelope[]> {
    const attempts = this.options.maxAttempts ?? 4;
    const backoff = this.options.backoffMs ?? 200;
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        return (await this.options.db.transaction((tx) => this.handle(tx, [{ topic, partition, invalid: [], valid: [d] }])))[0];
      } catch (error) {
        if (classifyError(error).temporary) throw error;
        lastError = error;
        this.log.warn({ err: error, topic, partition, offset: d.message.offset, type: d.envelope?.type, attempt }, 'message failed');
        if (attempt < attempts) await sleep(backoff * 2 ** (attempt - 1));
      }
    }
    const detail = lastError instanceof Error ? `${lastError.name}: ${lastError.message}` : String(lastError);
    await this.sendToDeadLetter(topic, partition, d, 'PROCESSING_FAILED', detail);
    await this.options.db.transaction(async (tx) => {
      await claimInbox(tx, this.options.groupId, [d.id]);
      await this.recordDeadLetters(tx, topic, partition, [{ ...d, failure: { reason: 'PROCESSING_FAILED', detail } }]);
    });
    return [];
  }

  private async sendToDeadLetter(topic: string, partition: number, d: Decoded, reason: string, detail: string): Promise<void> {
    this.log.error({ topic, partition, offset: d.message.offset, reason, detail: detail.slice(0, 500) }, 'message dead-lettered');
    await this.options.producer.send({
      topic: deadLetterTopic(topic),
      acks: -1,
      compression: CompressionTypes.GZIP,
      messages: [
        {
          key: d.message.key,
          value: d.message.value,
          headers: {
            ...d.message.headers,
            'dlt-reason': reason,
            'dlt-detail': detail.slice(0, 4000),
            'dlt-original-topic': topic,
            'dlt-original-partition': String(partition),
            'dlt-original-offset': d.message.offset,
            'dlt-consumer-group': this.options.groupId,
            'dlt-failed-at': new Date().toISOString(),
          },
        },
      ],
    });
    this.deadLettered += 1;
  }

  private async recordDeadLetters(tx: Tx, topic: string, partition: number, list: Decoded[]): Promise<void> {
    if (list.length === 0) return;
    // the message as consumed, so that it can be re-driven from here (redrive)
    await tx.execute(
      `INSERT INTO dead_letters (consumer, topic, partition, "offset", message_id, reason, detail, message_type, message_key, message_value, message_headers)
       SELECT $1, $2, $3, o, m, r, d, ty, k, v, h FROM unnest($4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bytea[], $10::bytea[], $11::jsonb[])
         AS t(o, m, r, d, ty, k, v, h)
       ON CONFLICT DO NOTHING`,
      [
        this.options.groupId,
        topic,
        partition,
        list.map((d) => d.message.offset),
        list.map((d) => d.id),
        list.map((d) => d.failure!.reason),
        list.map((d) => d.failure!.detail.slice(0, 4000)),
        list.map((d) => d.envelope?.type ?? null),
        list.map((d) => d.message.key ?? null),
        list.map((d) => d.message.value ?? null),
        list.map((d) => JSON.stringify(headerStrings(d.message.headers))),
      ],
    );
  }

  /**
   * Run a dead letter's stored message through this consumer again, as if just consumed: decode,
   * then in ONE transaction release the inbox claim its dead-lettering made (only a message whose
   * handling failed was claimed), claim it again and run the same handlers. Returns the failure,
   * if any; the caller records the outcome.
   */
  async redrive(tx: Tx, letter: DeadLetterMessage): Promise<{ handled: AnyEnvelope[]; failure?: { reason: string; detail: string } }> {
    const message = { key: letter.key, value: letter.value, headers: letter.headers, offset: letter.offset } as unknown as KafkaMessage;
    const d = this.decode(message, letter.topic, letter.partition);
    if (d.failure) return { handled: [], failure: d.failure };
    if (letter.reason === 'PROCESSING_FAILED') {
      await tx.execute('DELETE FROM inbox WHERE consumer = $1 AND message_id = $2', [this.options.groupId, d.id]);
    }
    const [handled] = await this.handle(tx, [{ topic: letter.topic, partition: letter.partition, invalid: [], valid: [d] }]);
    return { handled };
  }

  /** Wake follow-up work after a re-drive committed (as after a consumed chunk). */
  afterRedrive(envelopes: AnyEnvelope[]): void {
    if (envelopes.length > 0) this.options.afterCommit?.(envelopes);
  }
}

/** A dead letter's message as stored (dead_letters), for `redrive`. */
export interface DeadLetterMessage {
  topic: string;
  partition: number;
  offset: string;
  reason: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Kafka headers as text (ours are all text; a binary one is kept as its UTF-8 reading). */
function headerStrings(headers: KafkaMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map(String).join(',') : String(v);
  }
  return out;
}
