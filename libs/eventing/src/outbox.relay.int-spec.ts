import { randomBytes } from 'node:crypto';
import { Envelope, TOPICS } from '@msb/contracts';
import { deprovisionBus, kafkaAs, provisionBus, scratchDatabase, uniqueName } from '@msb/testing';
import { Admin, ConfigResourceTypes, Kafka, Producer } from 'kafkajs';
import { Client } from 'pg';
import pino from 'pino';
import { Database } from './database.client';
import { envelope } from './envelope.factory';
import { EVENTING_MIGRATIONS } from './migrations/eventing.migrations';
import { enqueue, OutboxRelay, outboxPending, outboxSetAside } from './outbox.relay';

/**
 * The relay against real Postgres and the closed bus: a row too large to publish is set aside
 * and never holds back the rows after it; a batch the broker refuses for its size is split;
 * when the connection holding the relay lock is killed, nothing more is published until the
 * lock is held again.
 */
const logger = pino({ level: 'silent' });

/** Characters gzip cannot shrink much (the relay compresses), so a message's size on the broker stays near its size here. */
function incompressible(length: number): string {
  return randomBytes(length).toString('base64').slice(0, length);
}

function policyEvent(n: number, pad = 0): Envelope {
  return envelope({
    type: 'assistance.PolicyRevised',
    source: 'medical-assistance',
    subject: `R${n}:2024`,
    time: new Date(),
    data: {
      region: `R${n}`,
      year: 2024,
      revision: n,
      policy: { priority: [], categories: {} },
      ...(pad ? { pad: incompressible(pad) } : {}),
    },
  });
}

async function readIds(kafka: Kafka, topic: string, expected: number, timeoutMs = 20000): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `${topic.split('.')[0]}.audit.${uniqueName('reader')}`, maxWaitTimeInMs: 100 });
  const seen: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(JSON.parse(message.value!.toString()).id) });
  const deadline = Date.now() + timeoutMs;
  while (seen.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 500)); // anything beyond the expected count shows up too
  await consumer.disconnect();
  return seen;
}

async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}

describe('the outbox relay on real Postgres and Kafka', () => {
  let db: Database;
  let url: string;
  let drop: () => Promise<void>;
  let producer: Producer;
  let reader: Kafka;
  let admin: Admin;
  const prefixes: string[] = [];

  beforeAll(async () => {
    const scratch = await scratchDatabase('msb_relay');
    drop = scratch.drop;
    url = scratch.url;
    db = new Database({ url, poolSize: 5, migrations: EVENTING_MIGRATIONS, logger, applicationName: 'relay-test' });
    await db.open();
    await newTopic(); // an idempotent producer needs WRITE on some topic before it connects
    producer = kafkaAs('medical-assistance', 'relay-test').producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    reader = kafkaAs('audit', 'relay-test');
    admin = kafkaAs('admin', 'relay-test').admin();
    await admin.connect();
  }, 60_000);

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    for (const prefix of prefixes) await deprovisionBus(prefix);
    await db?.close();
    await drop?.();
  }, 60_000);

  beforeEach(async () => {
    await db.query('DELETE FROM outbox');
  });

  async function newTopic(): Promise<string> {
    const prefix = uniqueName('rl').replace(/_/g, '-');
    await provisionBus(prefix, 1);
    prefixes.push(prefix);
    return `${prefix}.${TOPICS.assistancePolicies}`;
  }

  /**
   * Publish until the outbox is empty; returns the rows of each batch that published any. (A batch
   * may find nothing while another transaction on the server is older than the rows: it waits.)
   */
  async function drain(relay: OutboxRelay): Promise<number[]> {
    const sends: number[] = [];
    await waitFor(async () => {
      const n = await relay.publishBatch();
      if (n > 0) sends.push(n);
      return (await outboxPending(db)) === 0;
    });
    return sends;
  }

  const enqueueAll = (topic: string, events: Envelope[]) =>
    db.transaction((tx) =>
      enqueue(
        tx,
        events.map((e) => ({ topic, key: 'k', envelope: e })),
      ),
    );

  it('sets aside a row over the byte limit, with its reason, and publishes the rows after it', async () => {
    const topic = await newTopic();
    const [before, huge, after] = [policyEvent(1), policyEvent(2, 20_000), policyEvent(3)];
    await enqueueAll(topic, [before, huge, after]);
    const relay = new OutboxRelay({ db, producer, logger, topicPrefix: (t) => t, maxBatchBytes: 10_000 });
    await drain(relay);
    expect(await readIds(reader, topic, 2)).toEqual([before.id, after.id]);
    const aside = await db.query<{ message_id: string; reason: string; size: number }>(
      'SELECT message_id, reason, size FROM outbox_set_aside',
    );
    expect(aside).toEqual([
      {
        message_id: huge.id,
        reason: expect.stringMatching(/^TOO_LARGE: \d+ bytes, over the relay's limit of 10000/),
        size: expect.any(Number),
      },
    ]);
    expect(aside[0].size).toBeGreaterThan(20_000);
    expect(await outboxSetAside(db)).toBe(1);
    expect(relay.setAside).toBe(1);
    await db.query('DELETE FROM outbox_set_aside');
  }, 60_000);

  it('bounds a batch by bytes: many rows that fit one by one go out in several sends, in order', async () => {
    const topic = await newTopic();
    const events = Array.from({ length: 10 }, (_, i) => policyEvent(i + 1, 2_500)); // about 2.9 kB each: three fit in 10 kB, four do not
    await enqueueAll(topic, events);
    const relay = new OutboxRelay({ db, producer, logger, topicPrefix: (t) => t, maxBatchBytes: 10_000 });
    expect(await drain(relay)).toEqual([3, 3, 3, 1]);
    expect(await readIds(reader, topic, 10)).toEqual(events.map((e) => e.id));
  }, 60_000);

  it('splits a batch the broker refuses for its size, and sets aside the one row it never takes', async () => {
    const topic = await newTopic();
    // the topic takes less than the relay's default limit
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'max.message.bytes', value: '6000' }] }],
    });
    const fits = [policyEvent(1, 2_500), policyEvent(2, 2_500), policyEvent(3, 2_500)];
    const refused = policyEvent(4, 16_000); // over the topic's 6,000 bytes even gzipped
    const last = policyEvent(5);
    await enqueueAll(topic, [...fits, refused, last]);
    const relay = new OutboxRelay({ db, producer, logger, topicPrefix: (t) => t });
    await drain(relay);
    expect(await readIds(reader, topic, 4)).toEqual([...fits, last].map((e) => e.id));
    const aside = await db.query<{ message_id: string; reason: string }>('SELECT message_id, reason FROM outbox_set_aside');
    expect(aside).toEqual([{ message_id: refused.id, reason: expect.stringMatching(/^TOO_LARGE: \d+ bytes, refused by the broker/) }]);
    await db.query('DELETE FROM outbox_set_aside');
  }, 60_000);

  it('stops publishing when its lock connection is killed, until it holds the lock again', async () => {
    const topic = await newTopic();
    const relay = new OutboxRelay({ db, producer, logger, topicPrefix: (t) => t, pollMs: 50 });
    const other = new Client({ connectionString: url }); // another replica's lock connection
    await other.connect();
    await relay.start();
    try {
      await waitFor(() => relay.leading);
      const first = policyEvent(1);
      await enqueueAll(topic, [first]);
      await waitFor(async () => (await outboxPending(db)) === 0);
      const [{ pid }] = await db.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'relay-test-dedicated' AND datname = current_database()",
      );
      await other.query('SELECT pg_terminate_backend($1)', [pid]);
      // another replica takes the lock the moment it is free
      await other.query("SELECT pg_advisory_lock(hashtext('outbox-relay'))");
      await waitFor(() => !relay.leading);
      const second = policyEvent(2);
      await enqueueAll(topic, [second]);
      const published = relay.published;
      await new Promise((r) => setTimeout(r, 2000));
      expect({ leading: relay.leading, pending: await outboxPending(db), published: relay.published }).toEqual({
        leading: false,
        pending: 1,
        published,
      });
      // the other replica goes away: this relay leads again on a new connection and publishes
      await other.query("SELECT pg_advisory_unlock(hashtext('outbox-relay'))");
      await waitFor(async () => (await outboxPending(db)) === 0);
      expect(relay.leading).toBe(true);
      expect(await readIds(reader, topic, 2)).toEqual([first.id, second.id]);
    } finally {
      await relay.stop();
      await other.end();
    }
  }, 90_000);
});
