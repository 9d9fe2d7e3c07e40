import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { getDeadLetter, listDeadLetters, openDeadLetterIds, retryDeadLetter, RetryOutcome } from '@msb/eventing';
import type { RouteDoc } from './openapi.document';
import { RUNTIME } from './ops.controller';
import { Problem } from './problem.details';
import type { ServiceRuntime } from './service.runtime';

/** The dead-letter routes every service serves, to operators only. */
export const DEAD_LETTER_ROUTES: RouteDoc[] = [
  {
    method: 'get',
    path: '/dead-letters',
    summary: 'The messages this service could not process: where from, why, retries, status (never their content)',
    roles: ['operator'],
    query: { topic: 'only those of this topic', status: 'OPEN or RESOLVED' },
    responses: { 200: '{ service, deadLetters: [{ id, topic, partition, offset, type, reason, detail, failedAt, retries, status }] }' },
  },
  {
    method: 'get',
    path: '/dead-letters/:id',
    summary: 'One dead letter, with its last retry',
    roles: ['operator'],
    responses: { 200: 'dead letter', 404: 'no such dead letter' },
  },
  {
    method: 'post',
    path: '/dead-letters/:id/retry',
    summary:
      'Run the stored message through its consumer again; applied exactly once, then RESOLVED (kept). A RESOLVED one is not run again',
    roles: ['operator'],
    responses: {
      200: '{ id, outcome: RESOLVED | ALREADY_RESOLVED | FAILED | NOT_RETRIABLE, reason?, detail? }',
      404: 'no such dead letter',
    },
  },
  {
    method: 'post',
    path: '/dead-letters/retry-all',
    summary: 'Retry every OPEN dead letter of a topic, oldest first',
    roles: ['operator'],
    query: { topic: 'the topic (required)' },
    responses: { 200: '{ topic, attempted, resolved, failed: [{ id, reason, detail }] }', 400: 'topic missing' },
  },
];

/** GET /dead-letters, GET /dead-letters/{id}, POST /dead-letters/{id}/retry, POST /dead-letters/retry-all?topic=. */
@Controller('dead-letters')
export class DeadLettersController {
  constructor(@Inject(RUNTIME) private readonly runtime: ServiceRuntime) {}

  /** A topic as stored (with the deployment's prefix), given either way. */
  private topics(topic: string): string[] {
    return [...new Set([topic, this.runtime.topic(topic)])];
  }

  @Get()
  async list(@Query('topic') topic?: string, @Query('status') status?: string) {
    if (status !== undefined && status !== 'OPEN' && status !== 'RESOLVED')
      throw Problem.invalid('status is OPEN or RESOLVED', [{ path: '/query/status', message: 'OPEN or RESOLVED' }]);
    const deadLetters = await listDeadLetters(this.runtime.db, { topics: topic ? this.topics(topic) : undefined, status });
    return { service: this.runtime.config.service, deadLetters };
  }

  @Post('retry-all')
  @HttpCode(200)
  async retryAll(@Query('topic') topic?: string) {
    if (!topic) throw Problem.invalid('topic is required', [{ path: '/query/topic', message: 'the topic whose dead letters to retry' }]);
    const ids = await openDeadLetterIds(this.runtime.db, this.topics(topic));
    const failed: { id: string; reason: string; detail: string }[] = [];
    let resolved = 0;
    for (const id of ids) {
      const outcome = (await this.retry(id)) as RetryOutcome;
      if (outcome.outcome === 'RESOLVED' || outcome.outcome === 'ALREADY_RESOLVED') resolved += 1;
      else failed.push({ id, reason: outcome.outcome === 'FAILED' ? outcome.reason : outcome.outcome, detail: outcome.detail });
    }
    return { topic, attempted: ids.length, resolved, failed };
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    const letter = await getDeadLetter(this.runtime.db, id);
    if (!letter) throw Problem.notFound(`no dead letter ${id} in ${this.runtime.config.service}`);
    return letter;
  }

  @Post(':id/retry')
  @HttpCode(200)
  async retry(@Param('id') id: string) {
    const outcome = await retryDeadLetter(this.runtime.db, id, (consumer, topic) => this.runtime.consumerFor(consumer, topic));
    if (!outcome) throw Problem.notFound(`no dead letter ${id} in ${this.runtime.config.service}`);
    return outcome;
  }
}
