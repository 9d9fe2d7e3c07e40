import type { Envelope } from '@msb/contracts';
import type { Client } from 'pg';
import { CompressionTypes, type Message, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { Database, jsonRows, sleep, Tx } from './database.client';
import { Waker } from './relay.waker';
import { injectTrace, traceContextFor } from './trace.propagation';

export interface OutgoingMessage {
  topic: string;
  key: string;
  envelope: Envelope;
}

const NOTIFY_CHANNEL = 'outbox';

/**
 * Put messages in the outbox, in the caller's transaction: they are published if and only
 * if that transaction commits. The NOTIFY wakes the relay at commit. Each row keeps the trace
 * context of what caused its message (trace.propagation.ts), which the relay sends as headers.
 */
export async function enqueue(tx: Tx, messages: OutgoingMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const traces = messages.map((m) => injectTrace(traceContextFor(tx, m.envelope)));
  // the rows and the wake-up in one statement (one round trip fewer in every writing transaction)
  // the payload is the envelope's JSON text as written here (a json member keeps its text)
  await tx.query(
    `WITH queued AS (
       INSERT INTO outbox (topic, message_key, message_id, payload, traceparent, tracestate)
       SELECT t, k, id, e::text, tp, ts FROM json_to_recordset($1::json) AS x(t text, k text, id uuid, e json, tp text, ts text) RETURNING 1)
     SELECT pg_notify('${NOTIFY_CHANNEL}', '') FROM (SELECT count(*) FROM queued) AS n`,
    [
      jsonRows(
        messages.map((m, i) => ({
          t: m.topic,
          k: m.key,
          id: m.envelope.id,
          e: m.envelope,
          tp: traces[i].traceparent ?? null,
          ts: traces[i].tracestate ?? null,
        })),
      ),
    ],
  );
}

export interface RelayOptions {
  db: Database;
  producer: Producer;
  /**
   * A new connected producer like `producer`: the relay takes one (a new producer id) when the
   * broker refuses its sequence numbers, as after a broker restart that lost what it had taken;
   * kafkajs never renews an idempotent producer's id by itself, so every send would fail forever.
   */
  renewProducer?: () => Promise<Producer>;
  logger: Logger;
  /** Prefix for the topic names stored in the outbox. */
  topicPrefix: (topic: string) => string;
  batchSize?: number;
  /**
   * Most bytes one send carries (keys, values and a per-record allowance), below the broker's
   * message.max.bytes (1 MiB by default); a batch always takes at least one row, and a row that
   * alone is over it is set aside (`outbox_set_aside`), never retried forever.
   */
  maxBatchBytes?: number;
  /** Polling interval when no notification arrives (rows held back by a long transaction). */
  pollMs?: number;
  /** How long to wait after a wake-up before reading the outbox (Kafka's linger.ms). */
  lingerMs?: number;
  /** A hook for fault tests: called after the send, before the rows are deleted. */
  afterSend?: (ids: string[]) => Promise<void> | void;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  payload: string;
  size: number;
  traceparent: string | null;
  tracestate: string | null;
  /** Rows ready within the row limit, before the byte bound. */
  ready: string;
}

/** What a record costs besides its key and value (record and batch headers), counted against `maxBatchBytes`. */
const RECORD_OVERHEAD_BYTES = 64;
export const DEFAULT_MAX_BATCH_BYTES = 1_000_000;

/** Errors that kafkajs's idempotent producer never recovers from: it needs a new producer id. */
const STALE_PRODUCER = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
]);

function protocolErrorType(error: unknown): string | undefined {
  for (let e = error as { type?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.type === 'string' && e.type !== 'UNKNOWN') return e.type;
  }
  return undefined;
}

/** The broker refused a record or a batch for its size (kafkajs wraps protocol errors in causes). */
function tooLarge(error: unknown): boolean {
  for (let e = error as { type?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.type === 'MESSAGE_TOO_LARGE' || e.type === 'RECORD_LIST_TOO_LARGE') return true;
  }
  return false;
}

/**
 * Publishes committed outbox rows to Kafka in id order with an idempotent producer, then
 * deletes them. Reads only rows of transactions older than every transaction still running
 * (`tx_id < pg_snapshot_xmin`), so a transaction that commits late is never overtaken or
 * skipped. A crash between send and delete publishes the rows again: consumers' inboxes
 * make that harmless. One relay per database holds an advisory lock; others stand by. The
 * lead ends the moment the connection holding the lock errors or ends (another relay may hold
 * it by then): nothing more is sent until the lock is held again on a new connection. Batches
 * are bounded by bytes; a row too large to ever publish is set aside with its reason, and the
 * rows after it go on.
 */
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private listener?: Client;
  private readonly waker = new Waker();
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly lingerMs: number;
  private readonly maxBatchBytes: number;
  /** Rows the next batch may take: halved while the broker refuses batches for their size. */
  private rowLimit: number;
  /** The last batch stopped at the byte bound: more rows are ready. */
  private full = false;
  /** This relay holds the lock on a live connection. */
  leading = false;
  published = 0;
  setAside = 0;
  /** The producer sends go through: the given one, or the last one renewed (owned, disconnected at stop). */
  private producer: Producer;

  constructor(private readonly options: RelayOptions) {
    this.batchSize = options.batchSize ?? 1000;
    this.producer = options.producer;
    this.rowLimit = this.batchSize;
    this.maxBatchBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
    this.pollMs = options.pollMs ?? 250;
    this.lingerMs = options.lingerMs ?? 5;
  }

  async start(): Promise<void> {
    this.running = true;
    this.loop = this.run();
  }

  /** Stop after publishing what is committed now (graceful shutdown flushes the outbox). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.poke();
    await this.loop;
  }

  poke(): void {
    this.waker.poke();
  }

  private async run(): Promise<void> {
    const log = this.options.logger;
    while (this.running) {
      try {
        await this.lead();
      } catch (error) {
        log.warn({ err: error }, 'outbox relay interrupted; waiting for the relay lock again');
        await this.closeListener();
        if (this.running) await sleep(1000);
      }
    }
    // Final flush on shutdown, as the one relay (the lock taken once more if its lead was just
    // lost: no other relay holds it then), if the database is reachable.
    try {
      if (!this.leading) await this.connectAndLock();
      while (this.leading && (await this.publishBatch(() => this.leading)) > 0);
    } catch (error) {
      log.warn({ err: error }, 'outbox not flushed on shutdown; it will be published on the next start');
    }
    await this.closeListener();
    if (this.producer !== this.options.producer) await this.producer.disconnect().catch(() => undefined);
  }

  private async closeListener(): Promise<void> {
    const client = this.listener;
    this.listener = undefined;
    this.leading = false;
    if (client) await client.end().catch(() => undefined);
  }

  /**
   * A new lock connection, and one try for the relay lock on it; `leading` says whether it is
   * held. The lock lives as long as this connection: when it errors or ends, the lead is over at
   * once (`lost` answers why).
   */
  private async connectAndLock(): Promise<{ client: Client; lost: () => Error | undefined }> {
    await this.closeListener();
    const client = await this.options.db.dedicatedClient();
    this.listener = client;
    let lost: Error | undefined;
    const lose = (error?: Error) => {
      lost ??= error ?? new Error('the relay lock connection ended');
      if (this.listener === client) this.leading = false;
      this.poke();
    };
    client.on('error', lose);
    client.on('end', () => lose());
    client.on('notification', () => this.poke());
    await this.tryLock(client);
    return { client, lost: () => lost };
  }

  private async tryLock(client: Client): Promise<void> {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtext('outbox-relay')) AS locked");
    if (rows[0]?.locked && this.listener === client) this.leading = true;
  }

  /** Hold the relay lock and publish until stopped. */
  private async lead(): Promise<void> {
    const { client, lost } = await this.connectAndLock();
    // Wait to become the one relay of this database.
    for (;;) {
      const why = lost();
      if (why) throw why;
      if (this.leading || !this.running) break;
      await sleep(this.pollMs * 4);
      if (!this.running) return;
      await this.tryLock(client);
    }
    if (!this.running) return;
    await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    while (this.running) {
      const why = lost();
      if (why) throw why;
      const published = await this.publishBatch(() => this.leading && lost() === undefined);
      if (published < this.rowLimit && !this.full) {
        await this.waker.wait(this.pollMs);
        // linger a moment after a wake-up: rows committed meanwhile go in the same send
        await sleep(this.lingerMs);
      }
    }
  }

  /**
   * Publish one batch (at most `batchSize` rows and `maxBatchBytes`, at least one row); returns
   * how many rows it published or set aside. `mayPublish` is asked right before the send.
   */
  async publishBatch(mayPublish: () => boolean = () => true): Promise<number> {
    const { db, topicPrefix } = this.options;
    const producer = this.producer;
    const rows = await db.query<OutboxRow>(
      `SELECT id, topic, message_key, payload, traceparent, tracestate, size, ready FROM (
         SELECT *, sum(size) OVER (ORDER BY id) AS running, row_number() OVER (ORDER BY id) AS n, count(*) OVER () AS ready FROM (
           SELECT id, topic, message_key, payload, traceparent, tracestate, octet_length(message_key) + octet_length(payload)
             + coalesce(octet_length(traceparent), 0) + coalesce(octet_length(tracestate), 0) + $3::int AS size FROM outbox
           WHERE tx_id < pg_snapshot_xmin(pg_current_snapshot())
           ORDER BY id LIMIT $1) candidates) bounded
       WHERE running <= $2 OR n = 1
       ORDER BY id`,
      [this.rowLimit, this.maxBatchBytes, RECORD_OVERHEAD_BYTES],
    );
    this.full = false;
    if (rows.length === 0) return 0;
    if (rows.length === 1 && rows[0].size > this.maxBatchBytes) {
      return this.putAside(rows[0], `TOO_LARGE: ${rows[0].size} bytes, over the relay's limit of ${this.maxBatchBytes} (maxBatchBytes)`);
    }
    this.full = Number(rows[0].ready) > rows.length; // stopped at the byte bound: more rows are ready
    if (!mayPublish()) return 0;
    const byTopic = new Map<string, Message[]>();
    for (const row of rows) {
      const topic = topicPrefix(row.topic);
      let list = byTopic.get(topic);
      if (!list) byTopic.set(topic, (list = []));
      list.push({ key: row.message_key, value: row.payload, ...traceHeaders(row) });
    }
    try {
      await producer.sendBatch({
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        acks: -1,
        compression: CompressionTypes.GZIP,
      });
    } catch (error) {
      const type = protocolErrorType(error);
      if (type && STALE_PRODUCER.has(type) && this.options.renewProducer) await this.renew(type);
      if (!tooLarge(error)) throw error;
      // the broker's limit is lower than ours: narrow down to the row it refuses, then set that one aside
      if (rows.length === 1)
        return this.putAside(rows[0], `TOO_LARGE: ${rows[0].size} bytes, refused by the broker (${(error as Error).message})`);
      this.rowLimit = Math.max(1, Math.floor(rows.length / 2));
      this.full = true;
      return 0;
    }
    this.rowLimit = this.batchSize;
    const ids = rows.map((r) => r.id);
    await this.options.afterSend?.(ids);
    await db.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [ids]);
    this.published += rows.length;
    return rows.length;
  }

  /** Send through a new producer (a new producer id) from now on; the rows are sent again, consumers' inboxes drop repeats. */
  private async renew(reason: string): Promise<void> {
    const fresh = await this.options.renewProducer!();
    const old = this.producer;
    this.producer = fresh;
    if (old !== this.options.producer) await old.disconnect().catch(() => undefined);
    this.options.logger.warn({ reason }, 'outbox relay renewed its producer: the broker refused its sequence numbers');
  }

  /**
   * Move a row that can never be published out of the outbox, with its reason, so that the rows
   * after it go on; an operator publishes it again by hand once the limit allows (or the producer
   * is fixed). One error line per row: its id, topic and size, never its content.
   */
  private async putAside(row: OutboxRow, reason: string): Promise<number> {
    const moved = await this.options.db.query<{ id: string }>(
      `WITH moved AS (DELETE FROM outbox WHERE id = $1 RETURNING *)
       INSERT INTO outbox_set_aside (id, tx_id, topic, message_key, message_id, payload, size, reason, created_at)
       SELECT id, tx_id, topic, message_key, message_id, payload, $2, $3, created_at FROM moved
       RETURNING id`,
      [row.id, row.size, reason],
    );
    if (moved.length > 0) {
      this.setAside += 1;
      this.options.logger.error(
        { outboxId: row.id, topic: row.topic, size: row.size, reason },
        'outbox row set aside: it can never be published',
      );
    }
    this.rowLimit = this.batchSize;
    this.full = true; // the rows after it are next, at once
    return 1;
  }
}

export async function outboxSetAside(db: Database): Promise<number> {
  const [row] = await db.query<{ n: string }>('SELECT count(*) AS n FROM outbox_set_aside');
  return Number(row?.n ?? 0);
}

/** The W3C trace context a row was enqueued with, as Kafka headers. */
function traceHeaders(row: OutboxRow): Pick<Message, 'headers'> {
  if (!row.traceparent) return {};
  return { headers: { traceparent: row.traceparent, ...(row.tracestate ? { tracestate: row.tracestate } : {}) } };
}

export async function outboxPending(db: Database): Promise<number> {
  const [row] = await db.query<{ n: string }>('SELECT count(*) AS n FROM outbox');
  return Number(row?.n ?? 0);
}
