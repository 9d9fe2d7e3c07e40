import { Envelope, TOPICS } from '@msb/contracts';
import { deprovisionBus, kafkaAs, provisionBus, scratchDatabase, uniqueName } from '@msb/testing';
import { Kafka, Producer } from 'kafkajs';
import { Client } from 'pg';
import pino from 'pino';
import { ConsumerRunner } from './consumer.runner';
import { Database } from './database.client';
import { envelope } from './envelope.factory';
import { EVENTING_MIGRATIONS } from './migrations/eventing.migrations';

/**
 * Temporary database failures during consumption, against real Postgres and Kafka: a lock that
 * is not available (55P03 under lock_timeout) and a starved pool are waited out well past the
 * per-message retries that would dead-letter a message, the other partition goes on meanwhile,
 * and the effect is applied exactly once, never dead-lettered.
 */
const logger = pino({ level: 'silent' });

function policyEvent(n: number): Envelope {
  return envelope({
    type: 'assistance.PolicyRevised',
    source: 'medical-assistance',
    subject: `R${n}:2024`,
    time: new Date(),
    data: { region: `R${n}`, year: 2024, revision: n, policy: { priority: [], categories: {} } },
  });
}

describe('a consumer waits out temporary database failures', () => {
  let kafka: Kafka;
  let producer: Producer;
  let auditProducer: Producer;
  const prefixes: string[] = [];
  const drops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    await newTopic(); // an idempotent producer needs WRITE on some topic before it connects
    producer = kafkaAs('medical-assistance', 'stalls-test').producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    kafka = kafkaAs('audit', 'stalls-test');
    auditProducer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await auditProducer.connect();
  }, 60_000);

  afterAll(async () => {
    await producer?.disconnect();
    await auditProducer?.disconnect();
    for (const prefix of prefixes) await deprovisionBus(prefix);
    for (const drop of drops) await drop();
  }, 60_000);

  async function newTopic(partitions = 2): Promise<string> {
    const prefix = uniqueName('st').replace(/_/g, '-');
    await provisionBus(prefix, partitions);
    prefixes.push(prefix);
    return `${prefix}.${TOPICS.assistancePolicies}`;
  }

  async function newDatabase(poolSize: number, connectionTimeoutMs = 5000) {
    const scratch = await scratchDatabase('msb_stalls');
    drops.push(scratch.drop);
    const db = new Database({
      url: scratch.url,
      poolSize,
      connectionTimeoutMs,
      migrations: EVENTING_MIGRATIONS,
      logger,
      applicationName: 'stalls-test',
    });
    await db.open();
    drops.unshift(() => db.close());
    await db.query('CREATE TABLE effects (message_id text NOT NULL, n integer NOT NULL)');
    await db.query('CREATE TABLE gates (id integer PRIMARY KEY)');
    await db.query('INSERT INTO gates VALUES (1), (2)');
    return { db, url: scratch.url };
  }

  function runner(
    db: Database,
    topic: string,
    handle: (tx: import('./database.client').Tx, e: Envelope & { data: { revision: number } }) => Promise<void>,
  ) {
    return new ConsumerRunner({
      kafka,
      db,
      producer: auditProducer,
      logger,
      groupId: `${topic.split('.')[0]}.audit.${uniqueName('g')}`,
      topics: [topic],
      topicPrefix: topic.split('.')[0],
      maxAttempts: 2,
      backoffMs: 10,
      stalls: { initialMs: 100, maxMs: 500 },
      handlers: { 'assistance.PolicyRevised': (tx, e) => handle(tx, e as never) },
    });
  }

  const effects = async (db: Database, ids: string[]) =>
    (await db.query<{ message_id: string }>('SELECT message_id FROM effects WHERE message_id = ANY($1::text[])', [ids])).map(
      (r) => r.message_id,
    );

  it('a lock not available (55P03) pauses its partition only, and the effect lands once when the lock is free', async () => {
    const { db, url } = await newDatabase(5);
    const topic = await newTopic();
    const blocked = policyEvent(1); // waits for gate 1, held below
    const free = policyEvent(2); // gate 2, on the other partition
    const consumer = runner(db, topic, async (tx, e) => {
      await tx.query("SELECT set_config('lock_timeout', '100ms', true)");
      await tx.query('SELECT id FROM gates WHERE id = $1 FOR UPDATE', [e.data.revision]);
      await tx.execute('INSERT INTO effects (message_id, n) VALUES ($1, $2)', [e.id, e.data.revision]);
    });
    // another session holds gate 1's row lock
    const holder = new Client({ connectionString: url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT id FROM gates WHERE id = 1 FOR UPDATE');
    try {
      await producer.send({
        topic,
        messages: [
          { partition: 0, key: 'a', value: JSON.stringify(blocked) },
          { partition: 1, key: 'b', value: JSON.stringify(free) },
        ],
      });
      await consumer.start();
      await waitFor(async () => (await effects(db, [free.id])).length === 1);
      // well past the per-message retries (2 × 10 ms) that would have dead-lettered it
      await waitFor(async () => (consumer.stalls.list()[0]?.attempts ?? 0) >= 4);
      const [paused] = consumer.stalls.list();
      expect(paused).toMatchObject({ topic, partition: 0, reason: 'SQLSTATE 55P03 (lock not available)' });
      expect(consumer.stalls.list()).toHaveLength(1);
      expect(await effects(db, [blocked.id])).toEqual([]);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    await waitFor(async () => (await effects(db, [blocked.id])).length === 1);
    await waitFor(async () => consumer.stalls.list().length === 0);
    await consumer.stop();
    expect(await effects(db, [blocked.id, free.id])).toHaveLength(2);
    expect(await db.query('SELECT 1 FROM dead_letters')).toEqual([]);
    expect(consumer.deadLettered).toBe(0);
  }, 90_000);

  it('a starved pool (one connection, held) is waited out, never dead-lettered', async () => {
    const { db } = await newDatabase(1, 300);
    const topic = await newTopic(1);
    const message = policyEvent(3);
    const consumer = runner(db, topic, async (tx, e) => {
      await tx.execute('INSERT INTO effects (message_id, n) VALUES ($1, $2)', [e.id, e.data.revision]);
    });
    // the pool's only connection is taken
    const held = db.dataSource.createQueryRunner();
    await held.connect();
    try {
      await producer.send({ topic, messages: [{ key: 'k', value: JSON.stringify(message) }] });
      await consumer.start();
      await waitFor(async () => (consumer.stalls.list()[0]?.attempts ?? 0) >= 3);
      expect(consumer.stalls.list()[0].reason).toBe('database unreachable (timeout exceeded when trying to connect)');
    } finally {
      await held.release();
    }
    await waitFor(async () => (await effects(db, [message.id])).length === 1);
    await consumer.stop();
    expect(await effects(db, [message.id])).toEqual([message.id]);
    expect(await db.query('SELECT 1 FROM dead_letters')).toEqual([]);
    expect(consumer.deadLettered).toBe(0);
  }, 90_000);
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}
