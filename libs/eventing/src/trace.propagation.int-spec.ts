import { context, propagation, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Envelope, TOPICS } from '@msb/contracts';
import { deprovisionBus, kafkaAs, provisionBus, scratchDatabase, uniqueName } from '@msb/testing';
import { Kafka, Producer } from 'kafkajs';
import pino from 'pino';
import { Consumed, ConsumerRunner } from './consumer.runner';
import { Database } from './database.client';
import { envelope } from './envelope.factory';
import { EventingTables1732400000000 } from './migrations/1732400000000-eventing-tables';
import { OutboxTraceContext1732400000015 } from './migrations/1732400000015-outbox-trace-context';
import { enqueue, OutboxRelay } from './outbox.relay';
import { injectTrace } from './trace.propagation';

/**
 * W3C trace context through the outbox and Kafka, on real Postgres and a real broker, with the
 * SDK's in-memory exporter: a row enqueued in a request's span carries it to Kafka's headers;
 * the consumer runner handles each message of a many-message transaction in a child span of
 * the context its headers carry, and each outgoing row carries the span of the message that
 * caused it (its causationId). A rolled-back attempt's span ends as an error; the row carries
 * the span of the attempt that committed.
 */
const logger = pino({ level: 'silent' });
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('test');

function policyEvent(n: number, causationId: string | null = null): Envelope {
  return envelope({
    type: 'assistance.PolicyRevised',
    source: 'medical-assistance',
    subject: `R${n}:2024`,
    time: new Date(),
    causationId,
    data: { region: `R${n}`, year: 2024, revision: n, policy: { priority: [], categories: {} } },
  });
}

const traceparentOf = (span: Span) => `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;

async function waitFor(check: () => Promise<boolean>, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('trace context through the outbox and Kafka headers', () => {
  let db: Database;
  let drop: () => Promise<void>;
  let kafka: Kafka;
  let producer: Producer;
  let auditProducer: Producer;
  const prefixes: string[] = [];

  async function newTopic(): Promise<string> {
    const prefix = uniqueName('tr').replace(/_/g, '-');
    await provisionBus(prefix, 1);
    prefixes.push(prefix);
    return `${prefix}.${TOPICS.assistancePolicies}`;
  }
  const groupOf = (topic: string) => `${topic.split('.')[0]}.audit.${uniqueName('tr-group')}`;
  const outboxTrace = async (messageId: string) =>
    (
      await db.query<{ traceparent: string | null; tracestate: string | null }>(
        'SELECT traceparent, tracestate FROM outbox WHERE message_id = $1',
        [messageId],
      )
    )[0];

  beforeAll(async () => {
    trace.setGlobalTracerProvider(provider);
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const scratch = await scratchDatabase('msb_tracing');
    drop = scratch.drop;
    db = new Database({
      url: scratch.url,
      poolSize: 5,
      migrations: [EventingTables1732400000000, OutboxTraceContext1732400000015],
      logger,
      applicationName: 'tracing-test',
    });
    await db.open();
    await newTopic(); // an idempotent producer needs WRITE on some topic before it connects
    producer = kafkaAs('medical-assistance', 'tracing-test').producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    kafka = kafkaAs('audit', 'tracing-test');
    auditProducer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await auditProducer.connect();
  }, 60_000);

  afterAll(async () => {
    await producer?.disconnect();
    await auditProducer?.disconnect();
    for (const prefix of prefixes) await deprovisionBus(prefix);
    await db?.close();
    await drop?.();
    await provider.shutdown();
  }, 60_000);

  beforeEach(() => exporter.reset());

  it('stores the active span with each outbox row and the relay sends it as traceparent/tracestate headers', async () => {
    const topic = await newTopic();
    // a request that continues a caller's trace (with its tracestate)
    const caller = propagation.extract(ROOT_CONTEXT, {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      tracestate: 'msb=t1',
    });
    const request = tracer.startSpan('POST /claims', { kind: SpanKind.SERVER }, caller);
    expect(request.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    const [a, b] = [policyEvent(1), policyEvent(2)];
    const untraced = policyEvent(3);
    await context.with(trace.setSpan(caller, request), () =>
      db.transaction((tx) =>
        enqueue(tx, [
          { topic, key: 'k', envelope: a },
          { topic, key: 'k', envelope: b },
        ]),
      ),
    );
    await db.transaction((tx) => enqueue(tx, [{ topic, key: 'k', envelope: untraced }]));
    expect(await outboxTrace(a.id)).toEqual({ traceparent: traceparentOf(request), tracestate: 'msb=t1' });
    expect(await outboxTrace(b.id)).toEqual({ traceparent: traceparentOf(request), tracestate: 'msb=t1' });
    expect(await outboxTrace(untraced.id)).toEqual({ traceparent: null, tracestate: null });

    expect(await new OutboxRelay({ db, producer, logger, topicPrefix: (t) => t }).publishBatch()).toBe(3);
    const consumer = kafka.consumer({ groupId: groupOf(topic), maxWaitTimeInMs: 100 });
    const seen = new Map<string, Record<string, string>>();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
        seen.set((JSON.parse(message.value!.toString()) as Envelope).id, headers);
      },
    });
    await waitFor(async () => seen.size === 3);
    await consumer.disconnect();
    expect(seen.get(a.id)).toEqual({ traceparent: traceparentOf(request), tracestate: 'msb=t1' });
    expect(seen.get(b.id)).toEqual({ traceparent: traceparentOf(request), tracestate: 'msb=t1' });
    expect(seen.get(untraced.id)).toEqual({});
    request.end();
  }, 60_000);

  it('handles each message of one transaction in a child span of its own trace; what it causes carries that span', async () => {
    const topic = await newTopic();
    // two callers, two traces; a third message fails on its first attempt
    const callers = [tracer.startSpan('caller one'), tracer.startSpan('caller two'), tracer.startSpan('caller three')];
    const incoming = [policyEvent(11), policyEvent(12), policyEvent(13)];
    await producer.send({
      topic,
      messages: incoming.map((e, i) => ({
        key: 'k',
        value: JSON.stringify(e),
        headers: injectTrace(trace.setSpan(context.active(), callers[i])) as Record<string, string>,
      })),
    });
    const caused = new Map(incoming.map((e, i) => [e.id, policyEvent(111 + i, e.id)]));
    const batches: number[] = [];
    let failedOnce = false;
    const runner = new ConsumerRunner({
      kafka,
      db,
      producer: auditProducer,
      logger,
      groupId: groupOf(topic),
      topics: [topic],
      topicPrefix: topic.split('.')[0],
      handleBatch: async (tx, messages: Consumed[]) => {
        batches.push(messages.length);
        // what the handling of each message enqueues names it as its cause
        await enqueue(
          tx,
          messages.map((m) => ({ topic, key: 'k', envelope: caused.get(m.envelope.id)! })),
        );
        if (!failedOnce && messages.some((m) => m.envelope.id === incoming[2].id)) {
          failedOnce = true;
          throw new Error('a handler failed once');
        }
      },
    });
    await runner.start();
    try {
      await waitFor(
        async () =>
          (await db.query('SELECT 1 FROM outbox WHERE message_id = ANY($1::uuid[])', [[...caused.values()].map((e) => e.id)])).length === 3,
      );
    } finally {
      await runner.stop();
    }
    // the first transaction carried all three messages, and was rolled back
    expect(batches[0]).toBe(3);

    const spans = exporter.getFinishedSpans().filter((s) => s.name === `process ${topic}`);
    const spansOf = (id: string) => spans.filter((s) => s.attributes['messaging.message.id'] === id);
    const committed = (id: string): ReadableSpan => {
      const list = spansOf(id).filter((s) => s.status.code !== SpanStatusCode.ERROR);
      expect(list).toHaveLength(1);
      return list[0];
    };
    for (const [i, e] of incoming.entries()) {
      const span = committed(e.id);
      // a child of the caller's span, across Kafka
      expect(span.kind).toBe(SpanKind.CONSUMER);
      expect(span.spanContext().traceId).toBe(callers[i].spanContext().traceId);
      expect(span.parentSpanContext?.spanId).toBe(callers[i].spanContext().spanId);
      expect(span.attributes).toMatchObject({ 'messaging.destination.name': topic, 'messaging.system': 'kafka', 'msb.event.type': e.type });
      // the row it caused carries its own handling's span, not another message's of the same transaction
      expect(await outboxTrace(caused.get(e.id)!.id)).toEqual({
        traceparent: `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`,
        tracestate: null,
      });
      // every attempt that was rolled back ended its spans as errors
      for (const failed of spansOf(e.id).filter((s) => s !== span)) expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    }
    expect(spans.filter((s) => s.status.code === SpanStatusCode.ERROR).length).toBeGreaterThanOrEqual(3);
    callers.forEach((c) => c.end());
  }, 90_000);
});
