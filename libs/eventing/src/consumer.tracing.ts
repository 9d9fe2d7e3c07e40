import { Context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';
import type { Tx } from './database.client';
import { afterCommit, afterRollback } from './transaction.hooks';
import { bindTraceCause, extractTrace } from './trace.propagation';

const tracer = trace.getTracer('@msb/eventing');

export interface TracedMessage {
  id: string;
  type: string;
  headers: IHeaders | undefined;
  topic: string;
  partition: number;
  offset: string;
}

/**
 * One span per consumed message, a child of the context its headers carry, for its handling
 * in `tx`: what the handling enqueues carries it (its envelope's causationId is the message's
 * id). The spans end when the transaction does: OK when it committed, an error when it rolled
 * back (a retry handles the message again in a span of its own). Returns each message's context.
 */
export function traceHandling(tx: Tx, groupId: string, messages: readonly TracedMessage[]): Map<string, Context> {
  const contexts = new Map<string, Context>();
  if (messages.length === 0) return contexts;
  const spans = messages.map((m) => {
    const parent = extractTrace(m.headers);
    const span = tracer.startSpan(
      `process ${m.topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.destination.name': m.topic,
          'messaging.destination.partition.id': String(m.partition),
          'messaging.kafka.offset': Number(m.offset),
          'messaging.consumer.group.name': groupId,
          'messaging.message.id': m.id,
          'msb.event.type': m.type,
        },
      },
      parent,
    );
    const ctx = trace.setSpan(parent, span);
    contexts.set(m.id, ctx);
    bindTraceCause(tx, m.id, ctx);
    return span;
  });
  afterCommit(tx, () => spans.forEach((s) => s.end()));
  afterRollback(tx, (error) =>
    spans.forEach((s) => {
      s.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'rolled back' });
      s.end();
    }),
  );
  return contexts;
}
