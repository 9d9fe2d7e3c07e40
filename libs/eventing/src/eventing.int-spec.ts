import { randomUUID } from 'node:crypto';
import { deadLetterTopic, Envelope, TOPICS } from '@msb/contracts';
import { deprovisionBus, kafkaAs, provisionBus, scratchDatabase, uniqueName } from '@msb/testing';
import { Kafka, Producer } from 'kafkajs';
import pino from 'pino';
import { ConsumerRunner } from './consumer.runner';
import { ConcurrencyError, Database } from './database.client';
import { envelope } from './envelope.factory';
import { appendToStream, readStream } from './event.store';
import { EVENTING_MIGRATIONS } from './migrations/eventing.migrations';
import { enqueue, OutboxRelay, outboxPending } from './outbox.relay';

/**
 * The eventing plumbing against real Postgres and a real Kafka broker: nothing published is
 * lost, nothing consumed is applied twice, a poison message is set aside and the line moves on.
 * On the closed bus, as its principals: medical-assistance publishes its policies topic, audit
 * consumes it (and writes its dead-letter topic), each test on a freshly provisioned prefix.
 */
const logger = pino({ level: 'silent' });

/** A valid integration event of medical-assistance's policies topic. */
function policyEvent(n: number): Envelope {
  return envelope({
    type: 'assistance.PolicyRevised',
    source: 'medical-assistance',
    subject: `R${n}:2024`,
    time: new Date(),
    data: { region: `R${n}`, year: 2024, revision: n, policy: { priority: [], categories: {} } },
  });
}

async function readTopic(kafka: Kafka, topic: string, expected: number, timeoutMs = 20000) {
  const consumer = kafka.consumer({ groupId: `${topic.split('.')[0]}.audit.${uniqueName('reader')}`, maxWaitTimeInMs: 100 });
  const seen: { value: string; headers: Record<string, string> }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      seen.push({ value: message.value?.toString() ?? '', headers });
    },
  });
  const deadline = Date.now() + timeoutMs;
  while (seen.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 500)); // anything beyond the expected count shows up too
  await consumer.disconnect();
  return seen;
}

describe('eventing on real Postgres and Kafka', () => {
  let db: Database;
  let drop: () => Promise<void>;
  let kafka: Kafka;
  let producer: Producer;
  let auditProducer: Producer;
  const prefixes: string[] = [];

  beforeAll(async () => {
    const scratch = await scratchDatabase('msb_eventing');
    drop = scratch.drop;
    db = new Database({
      url: scratch.url,
      poolSize: 5,
      migrations: EVENTING_MIGRATIONS,
      logger,
      applicationName: 'eventing-test',
    });
    await db.open();
    await db.query('CREATE TABLE effects (message_id text NOT NULL, n integer NOT NULL)');
    // an idempotent producer needs WRITE on some topic before it connects (InitProducerId): provision a prefix first
    await newTopic();
    producer = kafkaAs('medical-assistance', 'eventing-test').producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    kafka = kafkaAs('audit', 'eventing-test');
    auditProducer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await auditProducer.connect();
  }, 60_000);

  afterAll(async () => {
    await producer?.disconnect();
    await auditProducer?.disconnect();
    for (const prefix of prefixes) await deprovisionBus(prefix);
    await db?.close();
    await drop?.();
  }, 60_000);

  /** medical-assistance's policies topic on a prefix of its own, provisioned by the admin. */
  async function newTopic(): Promise<string> {
    const prefix = uniqueName('it').replace(/_/g, '-');
    await provisionBus(prefix, 1);
    prefixes.push(prefix);
    return `${prefix}.${TOPICS.assistancePolicies}`;
  }
  const groupOf = (topic: string) => `${topic.split('.')[0]}.audit.${uniqueName('it-group')}`;

  it('rejects a second writer at the same stream version (optimistic concurrency)', async () => {
    const stream = `test-stream-${randomUUID()}`;
    await db.transaction((tx) => appendToStream(tx, stream, 0, [{ type: 'Happened', data: { n: 1 } }]));
    await expect(db.transaction((tx) => appendToStream(tx, stream, 0, [{ type: 'Happened', data: { n: 2 } }]), 1)).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
    const events = await db.transaction((tx) => readStream(tx, stream));
    expect(events.map((e) => e.data)).toEqual([{ n: 1 }]);
    await expect(db.query('UPDATE events SET type = $1 WHERE stream_id = $2', ['Edited', stream])).rejects.toThrow(/append-only/);
  });

  it('publishes every outbox row even when the relay dies between send and mark (duplicates, never losses)', async () => {
    const topic = await newTopic();
    const messages = Array.from({ length: 5 }, (_, i) => policyEvent(i + 1));
    await db.transaction((tx) =>
      enqueue(
        tx,
        messages.map((m) => ({ topic, key: 'k', envelope: m })),
      ),
    );

    // the first relay sends, then "dies" before it can delete what it sent
    const dying = new OutboxRelay({
      db,
      producer,
      logger,
      topicPrefix: (t) => t,
      afterSend: () => Promise.reject(new Error('killed between send and mark')),
    });
    await expect(untilPublished(() => dying.publishBatch())).rejects.toThrow('killed between send and mark');
    expect(await outboxPending(db)).toBe(5);

    // the next relay publishes the rows again and clears them
    const next = new OutboxRelay({ db, producer, logger, topicPrefix: (t) => t });
    expect(await untilPublished(() => next.publishBatch())).toBe(5);
    expect(await outboxPending(db)).toBe(0);

    const seen = await readTopic(kafka, topic, 10);
    const ids = seen.map((m) => JSON.parse(m.value).id as string);
    for (const m of messages) expect(ids.filter((id) => id === m.id)).toHaveLength(2);
    expect(ids).toHaveLength(10);
  }, 60_000);

  it('does not publish past a transaction that commits late, and keeps commit order per key', async () => {
    const topic = await newTopic();
    const [early, late] = [policyEvent(1), policyEvent(2)];
    const relay = new OutboxRelay({ db, producer, logger, topicPrefix: (t) => t });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const insertedSignal = new Promise<void>((r) => (inserted = r));
    // transaction A takes the lower outbox id and stays open
    const slow = db.transaction(async (tx) => {
      await enqueue(tx, [{ topic, key: 'k', envelope: early }]);
      inserted();
      await held;
    });
    await insertedSignal;
    // transaction B commits first
    await db.transaction((tx) => enqueue(tx, [{ topic, key: 'k', envelope: late }]));
    expect(await relay.publishBatch()).toBe(0); // B waits for A: it must not overtake it
    release();
    await slow;
    expect(await untilPublished(() => relay.publishBatch())).toBe(2);
    const seen = await readTopic(kafka, topic, 2);
    expect(seen.map((m) => JSON.parse(m.value).id)).toEqual([early.id, late.id]);
  }, 60_000);

  it('processes a message delivered twice only once', async () => {
    const topic = await newTopic();
    const message = policyEvent(7);
    const value = JSON.stringify(message);
    await producer.send({
      topic,
      messages: [
        { key: 'k', value },
        { key: 'k', value },
      ],
    });
    const after = policyEvent(8);
    await producer.send({ topic, messages: [{ key: 'k', value: JSON.stringify(after) }] });

    const runner = new ConsumerRunner({
      kafka,
      db,
      producer: auditProducer,
      logger,
      groupId: groupOf(topic),
      topics: [topic],
      topicPrefix: topic.split('.')[0],
      handlers: {
        'assistance.PolicyRevised': (tx, e) =>
          tx.execute('INSERT INTO effects (message_id, n) VALUES ($1, $2)', [e.id, e.data.revision]).then(() => undefined),
      },
    });
    await runner.start();
    await waitFor(async () => (await db.query('SELECT 1 FROM effects WHERE message_id = $1', [after.id])).length === 1);
    await runner.stop();
    const effects = await db.query<{ n: number }>('SELECT n FROM effects WHERE message_id = ANY($1::text[]) ORDER BY n', [
      [message.id, after.id],
    ]);
    expect(effects.map((e) => e.n)).toEqual([7, 8]);
  }, 60_000);

  it('sends poison messages to the dead-letter topic with their reason and goes on with the next', async () => {
    const topic = await newTopic();
    const unknownType = { ...policyEvent(1), type: 'assistance.SomethingElse' };
    // a version ahead, but not from the topic's owner: dead-lettered, it may not stop the partition
    const forgedNewer = { ...policyEvent(2), version: 9, source: 'basic-insurance' };
    const invalidData = { ...policyEvent(3), data: { region: 'R3', year: 'not a year' } };
    const failing = policyEvent(4); // valid, but its handler always fails
    const good = policyEvent(5);
    // valid events, but misplaced: another topic's type, and a source that does not own the topic
    const otherTopicsType = envelope({
      type: 'assistance.EligibilityGranted',
      version: 1, // the grant list of version 1
      source: 'medical-assistance',
      subject: 'P1',
      time: new Date(),
      data: { personId: 'P1', grantId: 'G1', eligibilityRevision: 1, grants: [] },
    });
    const forgedSource = { ...policyEvent(6), source: 'critical-illness' };
    await producer.send({
      topic,
      messages: [
        '{not json',
        JSON.stringify(unknownType),
        JSON.stringify(forgedNewer),
        JSON.stringify(invalidData),
        JSON.stringify(failing),
        JSON.stringify(otherTopicsType),
        JSON.stringify(forgedSource),
        JSON.stringify(good),
      ].map((value) => ({ key: 'k', value })),
    });
    const runner = new ConsumerRunner({
      kafka,
      db,
      producer: auditProducer,
      logger,
      groupId: groupOf(topic),
      topics: [topic],
      topicPrefix: topic.split('.')[0],
      maxAttempts: 2,
      backoffMs: 10,
      handlers: {
        'assistance.PolicyRevised': async (tx, e) => {
          if (e.id === failing.id) throw new Error('this message cannot be processed');
          await tx.execute('INSERT INTO effects (message_id, n) VALUES ($1, $2)', [e.id, e.data.revision]);
        },
      },
    });
    await runner.start();
    await waitFor(async () => (await db.query('SELECT 1 FROM effects WHERE message_id = $1', [good.id])).length === 1);
    await runner.stop();

    const dead = await readTopic(kafka, deadLetterTopic(topic), 7);
    expect(dead.map((m) => m.headers['dlt-reason']).sort()).toEqual([
      'INVALID_DATA',
      'MALFORMED_JSON',
      'PROCESSING_FAILED',
      'UNKNOWN_TYPE',
      'WRONG_SOURCE',
      'WRONG_SOURCE',
      'WRONG_TOPIC',
    ]);
    for (const m of dead) {
      expect(m.headers['dlt-original-topic']).toBe(topic);
      expect(m.headers['dlt-detail'].length).toBeGreaterThan(0);
    }
    expect(dead.find((m) => m.headers['dlt-reason'] === 'PROCESSING_FAILED')?.headers['dlt-detail']).toContain(
      'this message cannot be processed',
    );
    const recorded = await db.query<{ reason: string }>('SELECT reason FROM dead_letters WHERE topic = $1 ORDER BY "offset"', [topic]);
    expect(recorded.map((r) => r.reason)).toEqual([
      'MALFORMED_JSON',
      'UNKNOWN_TYPE',
      'WRONG_SOURCE',
      'INVALID_DATA',
      'PROCESSING_FAILED',
      'WRONG_TOPIC',
      'WRONG_SOURCE',
    ]);
    expect(dead.filter((m) => m.headers['dlt-reason'] === 'WRONG_SOURCE').map((m) => m.headers['dlt-detail'])).toEqual([
      expect.stringContaining('not of basic-insurance'),
      expect.stringContaining('not of critical-illness'),
    ]);
    // neither misplaced event reached its handler
    expect(await db.query('SELECT 1 FROM effects WHERE message_id = ANY($1::text[])', [[otherTopicsType.id, forgedSource.id]])).toEqual([]);
    expect(runner.deadLettered).toBe(7);
  }, 60_000);

  it('stops a partition at an event of a newer version: what came before is committed, nothing after it runs, nothing is dead-lettered, and a restarted consumer stops there again', async () => {
    const topic = await newTopic();
    const [before, newer, after] = [policyEvent(11), { ...policyEvent(12), version: 2 }, policyEvent(13)];
    const [meta] = await producer.send({ topic, messages: [before, newer, after].map((e) => ({ key: 'k', value: JSON.stringify(e) })) });
    const newerAt = (BigInt(meta.baseOffset!) + 1n).toString();
    const groupId = groupOf(topic);
    const consume = () =>
      new ConsumerRunner({
        kafka,
        db,
        producer: auditProducer,
        logger,
        groupId,
        topics: [topic],
        topicPrefix: topic.split('.')[0],
        handlers: {
          'assistance.PolicyRevised': async (tx, e) => {
            await tx.execute('INSERT INTO effects (message_id, n) VALUES ($1, $2)', [e.id, e.data.revision]);
          },
        },
      });
    const effects = async () =>
      (await db.query<{ n: number }>('SELECT n FROM effects WHERE message_id = ANY($1::text[])', [[before.id, newer.id, after.id]])).map(
        (r) => r.n,
      );
    const stopped = {
      topic,
      partition: 0,
      offset: newerAt,
      reason: 'NEWER_VERSION',
      since: expect.any(String),
      type: 'assistance.PolicyRevised',
      version: 2,
    };

    const first = consume();
    await first.start();
    await waitFor(async () => first.paused.length === 1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(first.paused).toEqual([stopped]);
    expect(await effects()).toEqual([11]);
    await first.stop();
    const admin = kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    expect(committed.partitions).toEqual([expect.objectContaining({ partition: 0, offset: newerAt })]);

    const second = consume();
    await second.start();
    await waitFor(async () => second.paused.length === 1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(second.paused).toEqual([stopped]);
    await second.stop();
    expect(await effects()).toEqual([11]);
    expect([first.deadLettered, second.deadLettered]).toEqual([0, 0]);
    expect(await db.query('SELECT 1 FROM dead_letters WHERE topic = $1', [topic])).toEqual([]);
  }, 60_000);
});

/**
 * A relay batch, tried again while it finds nothing ready: the relay reads only rows older than
 * every transaction still running on the server, and other databases' transactions count too.
 */
async function untilPublished(batch: () => Promise<number>, timeoutMs = 30000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = await batch();
    if (n > 0 || Date.now() > deadline) return n;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}
