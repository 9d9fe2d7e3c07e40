import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, Context, isSpanContextValid, propagation, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { ServiceMetrics } from './service.metrics';

/** What a caller may send as X-Request-Id: short, and only characters safe in a header and a log line. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
export const REQUEST_ID_HEADER = 'x-request-id';

/** The request's id: the caller's X-Request-Id when it is short and safe, else a new UUID (Fastify's genReqId). */
export function requestIdFrom(request: Pick<IncomingMessage, 'headers'>): string {
  const given = request.headers[REQUEST_ID_HEADER];
  const value = Array.isArray(given) ? given[0] : given;
  return value !== undefined && REQUEST_ID.test(value) ? value : randomUUID();
}

/**
 * All the access log knows of a request: never its headers (Authorization), query or body.
 * The path names a claim or a person-year at most; the query (which may name a person) is cut.
 */
interface RequestSummary {
  id: string;
  method: string;
  /** The route template (`/claims/:claimId`); null when no route matched. */
  route: string | null;
  path: string;
  traceId?: string;
}

interface InFlight {
  span: Span;
  context: Context;
  route: string;
  started: bigint;
}

const tracer = trace.getTracer('@msb/platform');

/**
 * Per request: its id (echoed as X-Request-Id), one access log line when it is answered
 * (pino-http: method, route, path, status, duration, request id, trace id), a server span that
 * continues the caller's `traceparent`, in whose context the handler runs (what it enqueues
 * carries it), and the HTTP metrics. Installed before authentication, so that refusals are
 * logged, traced and counted too.
 */
export function installHttpObservability(fastify: FastifyInstance, options: { logger: Logger; metrics: ServiceMetrics }): void {
  const { metrics } = options;
  // pino-http is handed the summary, never the raw request: nothing else of it can reach the line
  const accessLog = pinoHttp({
    logger: options.logger.child({ component: 'http' }),
    wrapSerializers: false,
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    serializers: { req: (summary: RequestSummary) => ({ method: summary.method, route: summary.route, path: summary.path }) },
    customProps: (summary) => {
      const traceId = (summary as unknown as RequestSummary).traceId;
      return traceId ? { traceId } : {};
    },
    customLogLevel: (_summary, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessObject: (_summary, res, logged) => ({ res: { statusCode: res.statusCode }, responseTime: logged.responseTime }),
    customErrorObject: (_summary, res, _error, logged) => ({ res: { statusCode: res.statusCode }, responseTime: logged.responseTime }),
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
  });
  const inFlight = new WeakMap<FastifyRequest, InFlight>();

  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    const route = request.routeOptions.url;
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer.startSpan(
      `${request.method} ${route ?? 'unmatched'}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, ...(route ? { 'http.route': route } : {}), 'msb.request_id': request.id },
      },
      parent,
    );
    const spanContext = span.spanContext();
    inFlight.set(request, { span, context: trace.setSpan(parent, span), route: route ?? 'unmatched', started: process.hrtime.bigint() });
    const summary: RequestSummary = {
      id: request.id,
      method: request.method,
      route: route ?? null,
      path: request.url.split('?')[0].slice(0, 200),
      ...(isSpanContextValid(spanContext) ? { traceId: spanContext.traceId } : {}),
    };
    accessLog(summary as unknown as IncomingMessage, reply.raw as ServerResponse);
    done();
  });

  // the handler runs in the request's span: what it writes to the outbox carries that context
  fastify.addHook('preHandler', (request, _reply, done) => {
    const state = inFlight.get(request);
    if (state) context.with(state.context, done);
    else done();
  });

  fastify.addHook('onResponse', (request, reply, done) => {
    const state = inFlight.get(request);
    if (state) {
      inFlight.delete(request);
      const status = reply.statusCode;
      metrics.httpRequests.inc({ method: request.method, route: state.route, status: String(status) });
      metrics.httpSeconds.observe({ method: request.method, route: state.route }, Number(process.hrtime.bigint() - state.started) / 1e9);
      state.span.setAttribute('http.response.status_code', status);
      if (status >= 500) state.span.setStatus({ code: SpanStatusCode.ERROR });
      state.span.end();
    }
    done();
  });
}
