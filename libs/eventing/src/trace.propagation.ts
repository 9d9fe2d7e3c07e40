import { context, Context, propagation, ROOT_CONTEXT, TextMapGetter } from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';
import type { Tx } from './database.client';
import { transactionLocal } from './transaction.hooks';

/**
 * W3C trace context (`traceparent`, `tracestate`) across the outbox and Kafka. A message
 * carries the context of what caused it: the HTTP request or the consumed message whose
 * handling enqueued it. Handlers process many messages in one transaction, so the cause is
 * looked up per outgoing message in a map that lives as long as the transaction: consumed
 * message id → the span of its handling (bound by the consumer runner), or a request's
 * correlation id → the request's span (bound by a group-committing HTTP intake). Without a
 * registered propagator (no tracing configured) nothing is injected or extracted.
 */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

/** The trace context of `ctx` as W3C headers; empty when it holds no valid span. */
export function injectTrace(ctx: Context): TraceCarrier {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return {
    ...(carrier.traceparent ? { traceparent: carrier.traceparent } : {}),
    ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}),
  };
}

const kafkaHeaders: TextMapGetter<IHeaders> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => {
    const value = headers[key];
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.toString();
  },
};

/** The remote context a Kafka message's headers carry (the root context when they carry none). */
export function extractTrace(headers: IHeaders | undefined): Context {
  return propagation.extract(ROOT_CONTEXT, headers ?? {}, kafkaHeaders);
}

const causes = transactionLocal(() => new Map<string, Context>());

/**
 * In this transaction, messages whose `causationId` (or, failing that, `correlationId`) is
 * `key` carry `ctx`. The first binding of a key holds.
 */
export function bindTraceCause(tx: Tx, key: string, ctx: Context): void {
  const map = causes.get(tx);
  if (!map.has(key)) map.set(key, ctx);
}

/** The context an outgoing envelope carries: its cause's in this transaction, else the active one. */
export function traceContextFor(tx: Tx, envelope: { causationId?: string | null; correlationId?: string | null }): Context {
  const map = causes.peek(tx);
  const byCause = envelope.causationId ? map?.get(envelope.causationId) : undefined;
  const byCorrelation = envelope.correlationId ? map?.get(envelope.correlationId) : undefined;
  return byCause ?? byCorrelation ?? context.active();
}

export type TraceContext = Context;

/** The trace context the caller runs in now (an HTTP request's span, a message's handling). */
export function activeTraceContext(): TraceContext {
  return context.active();
}
