import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ServiceRuntime } from './service.runtime';
import type { RouterTable } from './auth/route-access';

export const RUNTIME = Symbol('ServiceRuntime');
export const OPENAPI_DOCUMENT = Symbol('OpenApiDocument');
export const PARKED_COUNTER = Symbol('ParkedCounter');
export const ROUTER_TABLE = Symbol('RouterTable');
export type ParkedCounter = () => Promise<number>;

/** GET /health, GET /status, GET /routes, GET /docs: the same on every service. */
@Controller()
export class OpsController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    @Inject(OPENAPI_DOCUMENT) private readonly document: Record<string, unknown>,
    @Inject(PARKED_COUNTER) private readonly parked: ParkedCounter,
    @Inject(ROUTER_TABLE) private readonly router: RouterTable,
  ) {}

  @Get('health')
  async health(@Res() reply: FastifyReply): Promise<void> {
    const health = await this.runtime.health();
    void reply.status(health.status === 'ok' ? 200 : 503).send(health);
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
