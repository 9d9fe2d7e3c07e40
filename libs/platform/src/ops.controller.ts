import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ServiceRuntime } from './service.runtime';
import type { RouterTable } from './auth/route-access';
import { HealthProbes } from './health.probes';
import { sendProblem } from './problem.details';

export const RUNTIME = Symbol('ServiceRuntime');
export const OPENAPI_DOCUMENT = Symbol('OpenApiDocument');
export const PARKED_COUNTER = Symbol('ParkedCounter');
export const ROUTER_TABLE = Symbol('RouterTable');
export type ParkedCounter = () => Promise<number>;

/** GET /health (/live, /ready), GET /status, GET /routes, GET /docs: the same on every service. */
@Controller()
export class OpsController {
  private readonly probes: HealthProbes;

  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    @Inject(OPENAPI_DOCUMENT) private readonly document: Record<string, unknown>,
    @Inject(PARKED_COUNTER) private readonly parked: ParkedCounter,
    @Inject(ROUTER_TABLE) private readonly router: RouterTable,
  ) {
    const { config } = runtime;
    this.probes = new HealthProbes(runtime, {
      maxEventLoopDelayMs: config.HEALTH_LIVE_MAX_EVENT_LOOP_DELAY_MS,
      maxOutboxAgeSeconds: config.HEALTH_READY_MAX_OUTBOX_AGE_SECONDS,
      maxConsumerLag: config.HEALTH_READY_MAX_CONSUMER_LAG,
      checkTimeoutMs: config.HEALTH_READY_CHECK_TIMEOUT_MS,
    });
  }

  @Get('health')
  async health(@Res() reply: FastifyReply): Promise<void> {
    const health = await this.runtime.health();
    void reply.status(health.status === 'ok' ? 200 : 503).send(health);
  }

  /** Liveness: nothing external is asked (a database outage makes a pod unready, never restarted). */
  @Get('health/live')
  live(@Res() reply: FastifyReply): void {
    const answer = this.probes.live();
    if (answer.ok) void reply.status(200).send(answer.body);
    else sendProblem(reply, answer.body);
  }

  /** Readiness: database, outbox age, consumer lag, consumers running, not shutting down. */
  @Get('health/ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const answer = await this.probes.ready();
    if (answer.ok) void reply.status(200).send(answer.body);
    else sendProblem(reply, answer.body);
  }

  @Get('status')
  status() {
    return this.runtime.status(this.parked);
  }

  /** What the router serves, so that a route nobody declared can be found (and is refused meanwhile). */
  @Get('routes')
  routes() {
    return { routes: this.router.routes };
  }

  @Get('docs')
  docs() {
    return this.document;
  }
}
