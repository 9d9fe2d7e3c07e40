import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ServiceRuntime } from './service.runtime';

export const RUNTIME = Symbol('ServiceRuntime');
export const OPENAPI_DOCUMENT = Symbol('OpenApiDocument');
export const PARKED_COUNTER = Symbol('ParkedCounter');
export type ParkedCounter = () => Promise<number>;

/** GET /health, GET /status, GET /docs: the same on every service. */
@Controller()
export class OpsController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    @Inject(OPENAPI_DOCUMENT) private readonly document: Record<string, unknown>,
    @Inject(PARKED_COUNTER) private readonly parked: ParkedCounter,
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

  @Get('docs')
  docs() {
    return this.document;
  }
}
