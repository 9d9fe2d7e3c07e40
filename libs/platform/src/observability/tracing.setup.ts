import { context, diag, DiagLogLevel, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Logger } from 'pino';

export interface Tracing {
  /** Whether spans are recorded and exported. */
  exporting: boolean;
  /** Export what is still buffered and stop (at the end of a graceful shutdown). */
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry tracing of one service process. With `OTEL_EXPORTER_OTLP_ENDPOINT` set, spans
 * are recorded and sent by OTLP/HTTP (JSON) to `<endpoint>/v1/traces` (or to
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, as it is), batched (the SDK's
 * `OTEL_BSP_*` variables tune the batches; `OTEL_EXPORTER_OTLP_HEADERS` adds headers). Without
 * it nothing is recorded or sent; the W3C propagator and the context manager are still set, so
 * that a `traceparent` received passes through this service to the messages it causes.
 * Tracing never changes what the service does: an export that fails is logged and dropped.
 */
export function startTracing(service: string, instanceId: string, logger: Logger, env: NodeJS.ProcessEnv = process.env): Tracing {
  diag.setLogger(
    {
      error: (message) => logger.warn({ component: 'tracing' }, message),
      warn: (message) => logger.warn({ component: 'tracing' }, message),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  const propagator = new W3CTraceContextPropagator();
  const configured = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!configured) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(propagator);
    return { exporting: false, shutdown: async () => undefined };
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'service.instance.id': instanceId }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register({ propagator });
  const endpoint = new URL(configured);
  logger.info({ endpoint: endpoint.origin }, 'tracing: spans are exported by OTLP/HTTP');
  return {
    exporting: true,
    shutdown: () => provider.shutdown().catch((e: unknown) => logger.warn({ err: e }, 'tracing: spans not flushed at shutdown')),
  };
}
