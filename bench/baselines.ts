import { Client } from 'pg';
import { TOPICS } from '@msb/contracts';
import { deprovisionBus, kafkaAs, provisionBus, scratchDatabase, uniqueName } from '@msb/testing';

/** Raw Postgres: single-row INSERT transactions per second, `clients` connections in parallel. */
export async function postgresBaseline(seconds = 5, clients = 8): Promise<{ txPerSecond: number; clients: number }> {
  const db = await scratchDatabase('msb_bench_pg');
  const admin = new Client({ connectionString: db.url.replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${db.name}"`);
  await admin.end();
  const setup = new Client({ connectionString: db.url });
  await setup.connect();
  await setup.query('CREATE TABLE t (id bigserial PRIMARY KEY, v text NOT NULL)');
  await setup.end();
  let count = 0;
  const deadline = Date.now() + seconds * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      const c = new Client({ connectionString: db.url });
      await c.connect();
      while (Date.now() < deadline) {
        await c.query('INSERT INTO t (v) VALUES ($1)', ['x'.repeat(200)]);
        count += 1;
      }
      await c.end();
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  await db.drop();
  return { txPerSecond: Math.round(count / elapsed), clients };
}

/**
 * Raw Kafka with kafkajs on the closed bus, as the services see it: basic-insurance produces
 * idempotently in batches onto basic.claims of a prefix of its own, audit consumes it.
 */
export async function kafkaBaseline(
  messages = 100_000,
  size = 600,
): Promise<{ producePerSecond: number; consumePerSecond: number; messageBytes: number }> {
  const prefix = uniqueName('bench').replace(/_/g, '-');
  await provisionBus(prefix);
  const topic = `${prefix}.${TOPICS.basicClaims}`;
  const producer = kafkaAs('basic-insurance', 'bench').producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const value = 'x'.repeat(size);
  const t0 = Date.now();
  for (let sent = 0; sent < messages; sent += 1000) {
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 1000 }, (_, i) => ({ key: `k${(sent + i) % 5000}`, value })) });
  }
  const produceSeconds = (Date.now() - t0) / 1000;
  await producer.disconnect();
  const consumer = kafkaAs('audit', 'bench').consumer({
    groupId: `${prefix}.audit.reader`,
    maxWaitTimeInMs: 100,
    maxBytesPerPartition: 4 * 1024 * 1024,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let received = 0;
  let t1 = 0;
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        if (t1 === 0) t1 = Date.now();
        received += batch.messages.length;
        if (received >= messages) resolve();
      },
    });
  });
  await done;
  const consumeSeconds = (Date.now() - t1) / 1000;
  await consumer.disconnect();
  await deprovisionBus(prefix);
  return {
    producePerSecond: Math.round(messages / produceSeconds),
    consumePerSecond: Math.round(messages / consumeSeconds),
    messageBytes: size,
  };
}
