import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { serviceMetrics } from './service.metrics';

/** GET /metrics: the Prometheus text exposition of this process (operators and monitors, with a bearer token). */
@Controller()
export class MetricsController {
  @Get('metrics')
  async metrics(@Res() reply: FastifyReply): Promise<void> {
    const { registry } = serviceMetrics;
    const text = await registry.metrics();
    void reply.status(200).header('content-type', registry.contentType).header('cache-control', 'no-store').send(text);
  }
}
