import type { Envelope } from '@msb/contracts';
import type { Client } from 'pg';
import { CompressionTypes, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { Database, sleep, Tx } from './database.client';
import { Waker } from './relay.waker';

export interface OutgoingMessage {
  topic: string;
  key: string;
  envelope: Envelope;
}

const NOTIFY_CHANNEL = 'outbox';

/**
 * Put messages in the outbox, in the caller's transaction: they are published if and only
 * if that transaction commits. The NOTIFY wakes the relay at commit.
 */
export async function enqueue(tx: Tx, messages: OutgoingMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await tx.execute(
    `INSERT INTO outbox (topic, message_key, message_id, payload)
     SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[])`,
    [
      messages.map((m) => m.topic),
      messages.map((m) => m.key),
      messages.map((m) => m.envelope.id),
      messages.map((m) => JSON.stringify(m.envelope)),
    ],
  );
  await tx.execute(`SELECT pg_notify('${NOTIFY_CHANNEL}', '')`);
}

export interface RelayOptions {
  db: Database;
  producer: Producer;
  logger: Logger;
  /** Prefix for the topic names stored in the outbox. */
  topicPrefix: (topic: string) => string;
  batchSize?: number;
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
}

/**
 * Publishes committed outbox rows to Kafka in id order with an idempotent producer, then
 * deletes them. Reads only rows of transactions older than every transaction still running
 * (`tx_id < pg_snapshot_xmin`), so a transaction that commits late is never overtaken or
 * skipped. A crash between send and delete publishes the rows again: consumers' inboxes
 * make that harmless. One relay per database holds an advisory lock; others stand by.
 */
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private listener?: Client;
  private readonly waker = new Waker();
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly lingerMs: number;
  published = 0;

  constructor(private readonly options: RelayOptions) {
    this.batchSize = options.batchSize ?? 1000;
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
        log.warn({ err: error }, 'outbox relay interrupted; retrying');
        await this.closeListener();
        if (this.running) await sleep(1000);
      }
    }
    // Final flush on shutdown, if the database is reachable.
    try {
      while ((await this.publishBatch()) > 0);
    } catch (error) {
      log.warn({ err: error }, 'outbox not flushed on shutdown; it will be published on the next start');
    }
    await this.closeListener();
  }

  private async closeListener(): Promise<void> {
    const client = this.listener;
    this.listener = undefined;
    if (client) await client.end().catch(() => undefined);
  }

  /** Hold the relay lock and publish until stopped. */
  private async lead(): Promise<void> {
    const client = await this.options.db.dedicatedClient();
    this.listener = client;
    client.on('error', () => this.poke());
    client.on('notification', () => this.poke());
    // Wait to become the one relay of this database.
    for (;;) {
      if (!this.running) return;
      const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtext('outbox-relay')) AS locked");
      if (rows[0]?.locked) break;
      await sleep(this.pollMs * 4);
    }
    await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    while (this.running) {
      const published = await this.publishBatch();
      if (published < this.batchSize) {
        await this.waker.wait(this.pollMs);
        // linger a moment after a wake-up: rows committed meanwhile go in the same send
        await sleep(this.lingerMs);
      }
    }
  }

  /** Publish one batch; returns how many rows it published. */
  async publishBatch(): Promise<number> {
    const { db, producer, topicPrefix } = this.options;
    const rows = await db.query<OutboxRow>(
      `SELECT id, topic, message_key, payload FROM outbox
       WHERE tx_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY id LIMIT $1`,
      [this.batchSize],
    );
    if (rows.length === 0) return 0;
    const byTopic = new Map<string, { key: string; value: string }[]>();
    for (const row of rows) {
      const topic = topicPrefix(row.topic);
      let list = byTopic.get(topic);
      if (!list) byTopic.set(topic, (list = []));
      list.push({ key: row.message_key, value: row.payload });
    }
    await producer.sendBatch({
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      acks: -1,
      compression: CompressionTypes.GZIP,
    });
    const ids = rows.map((r) => r.id);
    await this.options.afterSend?.(ids);
    await db.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [ids]);
    this.published += rows.length;
    return rows.length;
  }
}

export async function outboxPending(db: Database): Promise<number> {
  const [row] = await db.query<{ n: string }>('SELECT count(*) AS n FROM outbox');
  return Number(row?.n ?? 0);
}
