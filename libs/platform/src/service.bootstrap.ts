import 'reflect-metadata';
import { DynamicModule, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { TopicName } from '@msb/contracts';
import type { MigrationInterface } from 'typeorm';
import type { TableGrant } from '@msb/eventing';
import { ConfigError, loadConfig, ServiceConfig } from './service.config';
import { createLogger, NestPinoLogger } from './service.logger';
import { buildOpenApi, OPS_ROUTES, RouteDoc } from './openapi.document';
import { OPENAPI_DOCUMENT, OpsController, PARKED_COUNTER, ParkedCounter, ROUTER_TABLE, RUNTIME } from './ops.controller';
import { AccessLogController } from './access-log/access-log.controller';
import { DEAD_LETTER_ROUTES, DeadLettersController } from './dead-letters.controller';
import { AccessLog1732400000080 } from './migrations/1732400000080-access-log';
import { ACCESS_LOG_GRANT } from './migrations/payer.grants';
import { accessRules, installAuthentication, RouterTable } from './auth/route-access';
import { loadTrustedIssuers, TokenVerifier, TrustedIssuer } from './auth/token.verifier';
import { fastifyErrorProblem, Problem, ProblemFilter, sendProblem } from './problem.details';
import { ServiceRuntime } from './service.runtime';
import type { RecalculationWorker } from './recalculation.service';
import { installHttpObservability, requestIdFrom } from './observability/http.observability';
import { MetricsController } from './observability/metrics.controller';
import { serviceMetrics } from './observability/service.metrics';
import { startTracing } from './observability/tracing.setup';

export interface ServiceDefinition {
  service: string;
  title: string;
  description: string;
  port: number;
  database: string;
  migrations: (new () => MigrationInterface)[];
  /** What its runtime role may do to each of its tables (the eventing tables' are added). */
  grants: readonly TableGrant[];
  produces: TopicName[];
  consumes: TopicName[];
  routes: RouteDoc[];
  /** The app's own module, given the runtime (its database, Kafka, outbox). */
  module: (runtime: ServiceRuntime) => DynamicModule;
  /** Called once HTTP is up: start consumers and background work here. */
  start: (app: INestApplication, runtime: ServiceRuntime) => Promise<void>;
  /** Parked work for /status. */
  parked?: (app: INestApplication, runtime: ServiceRuntime) => ParkedCounter;
  /** Person-years held for a missing upstream revision, for /status and the `msb_held_person_years` gauge (none: 0). */
  held?: (app: INestApplication, runtime: ServiceRuntime) => ParkedCounter;
  /** More figures for /status (batches, sizes). */
  extraStatus?: (app: INestApplication) => () => Promise<Record<string, unknown>>;
  /** The bulk recalculation worker, whose progress /status shows. */
  recalculation?: (app: INestApplication) => RecalculationWorker;
  /** Stop background work before the runtime stops (after HTTP intake has stopped). */
  stop?: (app: INestApplication) => Promise<void>;
}

export interface RunningService {
  app: NestFastifyApplication;
  runtime: ServiceRuntime;
  config: ServiceConfig;
  shutdown: (signal?: string) => Promise<void>;
}

/** Start a service from its main module: a failure to start is logged and ends the process with 1. */
export function main(def: ServiceDefinition): void {
  runService(def).catch((error: unknown) => {
    process.stderr.write(
      `${JSON.stringify({ level: 60, time: new Date().toISOString(), service: def.service, msg: 'failed to start', err: error instanceof Error ? error.stack : String(error) })}\n`,
    );
    process.exit(1);
  });
}

/**
 * Start a service: config validated, database migrated, its topics found, outbox relay
 * running, HTTP listening, consumers started. SIGTERM/SIGINT stop intake first, let the
 * consumers finish the batch in hand, flush the outbox, then close everything and exit.
 */
export async function runService(def: ServiceDefinition, options: { exitOnSignal?: boolean } = {}): Promise<RunningService> {
  let config: ServiceConfig;
  let issuers: TrustedIssuer[];
  try {
    config = loadConfig(def.service, { port: def.port, database: def.database });
    issuers = loadTrustedIssuers();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${def.service}: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger(def.service, config.LOG_LEVEL);
  const tracing = startTracing(def.service, config.INSTANCE_ID, logger);
  const runtime = new ServiceRuntime({
    config,
    logger,
    migrations: [AccessLog1732400000080, ...def.migrations],
    grants: [ACCESS_LOG_GRANT, ...def.grants],
    produces: def.produces,
    consumes: def.consumes,
  });
  // every route declares who may call it, once; the token's audience is the service's name
  const rules = accessRules([...def.routes, ...OPS_ROUTES, ...DEAD_LETTER_ROUTES]);
  const verifier = new TokenVerifier(issuers, def.service);
  const routerTable: RouterTable = { routes: [] };
  const started: { app?: NestFastifyApplication } = {};

  // Signals are handled from the first moment: a service told to stop while it is still
  // starting (say, waiting for a broker) stops too, and never dies half-way through a batch.
  let closing: Promise<void> | undefined;
  const shutdown = (signal?: string): Promise<void> =>
    (closing ??= (async () => {
      logger.info({ signal }, 'shutting down: intake stopped, finishing work in hand');
      runtime.markStopping();
      // stop intake: no new connections; in-flight requests complete
      const { app } = started;
      const closeHttp = app?.getHttpAdapter().getInstance().close();
      await runtime.recalculation?.stop().catch((e) => logger.error({ err: e }, 'recalculation stop failed'));
      if (app) await def.stop?.(app).catch((e) => logger.error({ err: e }, 'background stop failed'));
      await runtime.stop().catch((e) => logger.error({ err: e }, 'runtime stop failed'));
      await closeHttp?.catch(() => undefined);
      await app?.close().catch(() => undefined);
      await tracing.shutdown();
      logger.info('stopped');
    })());
  if (options.exitOnSignal !== false) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        void shutdown(signal).finally(() => process.exit(0));
      });
    }
  }

  await runtime.start();

  let parkedCounter: ParkedCounter = async () => 0;
  let heldCounter: ParkedCounter = async () => 0;
  const document = buildOpenApi(def.title, def.description, config.PORT, [...def.routes, ...DEAD_LETTER_ROUTES]);

  @Module({
    imports: [def.module(runtime)],
    controllers: [OpsController, AccessLogController, DeadLettersController, MetricsController],
    providers: [
      { provide: RUNTIME, useValue: runtime },
      { provide: ROUTER_TABLE, useValue: routerTable },
      { provide: OPENAPI_DOCUMENT, useValue: document },
      { provide: PARKED_COUNTER, useValue: () => parkedCounter() },
    ],
  })
  class RootModule {}

  // a request's id: the caller's X-Request-Id when it is short and safe, else a new one
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    logger: false,
    requestIdHeader: false,
    genReqId: requestIdFrom,
  });
  const app = await NestFactory.create<NestFastifyApplication>(RootModule, adapter, {
    logger: new NestPinoLogger(logger),
    abortOnError: false,
  });
  started.app = app;
  app.useGlobalFilters(new ProblemFilter(logger));
  const fastify = app.getHttpAdapter().getInstance();
  fastify.setErrorHandler((error, _request, reply) => {
    const problem = fastifyErrorProblem(error as { statusCode?: number; code?: string; message: string });
    if (problem) return sendProblem(reply, problem);
    logger.error({ err: error }, 'unhandled error');
    return sendProblem(reply, {
      type: '/problems/internal',
      title: 'Internal error',
      status: 500,
      detail: 'The request could not be completed; it has been logged.',
    });
  });
  // Request ids, the access log, the request's span and HTTP metrics: for refused requests too.
  installHttpObservability(fastify, { logger, metrics: serviceMetrics });
  // First of all: who calls, and may they call this route (before the body is even read).
  installAuthentication(fastify, { verifier, rules, realm: def.service, log: logger, table: routerTable });
  // While shutting down, refuse new writes so that nothing is accepted that cannot be finished.
  fastify.addHook('onRequest', async (request, reply) => {
    if (runtime.isStopping && request.method !== 'GET')
      return sendProblem(reply, Problem.unavailable('The service is shutting down; retry shortly').body);
    const type = request.headers['content-type'];
    const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    if (hasBody && (type === undefined || !/^application\/([\w.-]+\+)?json\b/i.test(type))) {
      return sendProblem(reply, {
        type: '/problems/unsupported-media-type',
        title: 'Send application/json',
        status: 415,
        detail: `the body is ${type ?? 'of no declared type'}; this API takes application/json`,
      });
    }
  });
  await app.init();
  await app.listen(config.PORT, config.HOST);
  if (def.parked) parkedCounter = def.parked(app, runtime);
  if (def.held) runtime.heldCounter = heldCounter = def.held(app, runtime);
  serviceMetrics.bind(def.service, {
    db: runtime.db,
    admin: runtime.admin,
    consumers: () => runtime.consumerGroups(),
    parked: () => parkedCounter(),
    held: () => heldCounter(),
  });
  if (def.extraStatus) runtime.extraStatus = def.extraStatus(app);
  if (def.recalculation) {
    const worker = def.recalculation(app);
    runtime.recalculation = worker;
    worker.start();
  }
  await def.start(app, runtime);
  logger.info(
    { port: config.PORT, database: new URL(config.databaseUrl).pathname.slice(1), topicPrefix: config.TOPIC_PREFIX },
    `${def.service} ready`,
  );

  return { app, runtime, config, shutdown };
}
