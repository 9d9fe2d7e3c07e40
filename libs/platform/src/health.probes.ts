import { monitorEventLoopDelay, IntervalHistogram } from 'node:perf_hooks';
import type { FieldProblem, ProblemDetails } from './problem.details';
import type { ServiceRuntime } from './service.runtime';

/** What the probes compare with (from the config: HEALTH_*). */
export interface ProbeLimits {
  /** Liveness: the event loop's longest delay over the last window. */
  maxEventLoopDelayMs: number;
  /** Readiness: the age of the outbox's oldest row (the relay is not publishing). */
  maxOutboxAgeSeconds: number;
  /** Readiness: the consumer groups' lag, summed (the same for every replica: it is the group's). */
  maxConsumerLag: number;
  /** Readiness: how long one check may take before it counts as failed. */
  checkTimeoutMs: number;
}

export type ProbeAnswer = { ok: true; body: { status: 'live' | 'ready' } } | { ok: false; body: ProblemDetails };

const WINDOW_MS = 10_000;

class TimedOut extends Error {}

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new TimedOut()), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The two probes an orchestrator asks (the kubelet, without a token): both answer only
 * "ok" or which check failed, with figures but never personal data, error messages or names.
 *
 * - live: the process is up and its event loop responsive; nothing external is asked, so a
 *   database or broker outage never gets a pod restarted.
 * - ready: the database answers, the outbox's oldest row is young enough (the relay publishes),
 *   the consumer lag is below its limit, every consumer is running, and the service is not
 *   shutting down; otherwise 503 and a problem listing every check that failed.
 */
export class HealthProbes {
  private readonly histogram: IntervalHistogram;
  private previousWindowMaxMs = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly runtime: ServiceRuntime,
    private readonly limits: ProbeLimits,
  ) {
    this.histogram = monitorEventLoopDelay({ resolution: 20 });
    this.histogram.enable();
    this.timer = setInterval(() => {
      this.previousWindowMaxMs = this.histogram.max / 1e6;
      this.histogram.reset();
    }, WINDOW_MS);
    this.timer.unref();
  }

  /** The longest event-loop delay over the last one to two windows, in ms. */
  eventLoopDelayMs(): number {
    return Math.max(this.previousWindowMaxMs, this.histogram.max / 1e6);
  }

  live(): ProbeAnswer {
    const delay = this.eventLoopDelayMs();
    if (delay <= this.limits.maxEventLoopDelayMs) return { ok: true, body: { status: 'live' } };
    return notOk('live', [
      { path: '/eventLoop', message: `delayed ${Math.round(delay)} ms (limit ${this.limits.maxEventLoopDelayMs} ms)` },
    ]);
  }

  async ready(): Promise<ProbeAnswer> {
    const { runtime, limits } = this;
    const problems: FieldProblem[] = [];
    if (runtime.isStopping) problems.push({ path: '/lifecycle', message: 'shutting down' });
    const [outbox, lag] = await Promise.allSettled([
      within(
        limits.checkTimeoutMs,
        runtime.db.query<{ age: string | null }>('SELECT extract(epoch FROM now() - min(created_at)) AS age FROM outbox'),
      ),
      within(limits.checkTimeoutMs, runtime.consumerLag()),
    ]);
    if (outbox.status === 'rejected') {
      problems.push({
        path: '/database',
        message: outbox.reason instanceof TimedOut ? `did not answer within ${limits.checkTimeoutMs} ms` : 'unreachable',
      });
    } else {
      const age = Number(outbox.value[0]?.age ?? 0);
      if (age > limits.maxOutboxAgeSeconds)
        problems.push({ path: '/outbox', message: `oldest row ${Math.round(age)} s old (limit ${limits.maxOutboxAgeSeconds} s)` });
    }
    if (lag.status === 'rejected') {
      problems.push({
        path: '/consumerLag',
        message: lag.reason instanceof TimedOut ? `not measured within ${limits.checkTimeoutMs} ms` : 'not measurable (Kafka)',
      });
    } else if (lag.value > limits.maxConsumerLag) {
      problems.push({ path: '/consumerLag', message: `${lag.value} messages (limit ${limits.maxConsumerLag})` });
    }
    const consumers = runtime.consumerStates();
    const stopped = consumers.filter((c) => !c.running).length;
    if (consumers.length === 0 || stopped > 0)
      problems.push({
        path: '/consumers',
        message: consumers.length === 0 ? 'not started yet' : `${stopped} of ${consumers.length} not running`,
      });
    return problems.length === 0 ? { ok: true, body: { status: 'ready' } } : notOk('ready', problems);
  }
}

function notOk(probe: 'live' | 'ready', errors: FieldProblem[]): ProbeAnswer {
  return {
    ok: false,
    body: {
      type: `/problems/not-${probe}`,
      title: probe === 'live' ? 'Not live' : 'Not ready',
      status: 503,
      detail: errors.map((e) => `${e.path.slice(1)}: ${e.message}`).join('; '),
      errors,
    },
  };
}
