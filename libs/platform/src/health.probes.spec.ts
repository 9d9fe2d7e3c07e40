import { HealthProbes, ProbeLimits } from './health.probes';
import type { ServiceRuntime } from './service.runtime';

/** What the probes decide from what the runtime reports (the runtime itself is exercised end to end). */
const limits: ProbeLimits = { maxEventLoopDelayMs: 5000, maxOutboxAgeSeconds: 60, maxConsumerLag: 100, checkTimeoutMs: 200 };

interface Reports {
  outboxAge?: number | null | Error | 'hang';
  lag?: number | Error | 'hang';
  consumers?: boolean[];
  stopping?: boolean;
}

const never = () => new Promise<never>(() => undefined);

function probesOver(r: Reports): HealthProbes {
  const runtime = {
    isStopping: r.stopping ?? false,
    db: {
      query: async () => {
        const age = r.outboxAge === undefined ? 3 : r.outboxAge;
        if (age === 'hang') return never();
        if (age instanceof Error) throw age;
        return [{ age: age === null ? null : String(age) }];
      },
    },
    consumerLag: async () => {
      const lag = r.lag ?? 0;
      if (lag === 'hang') return never();
      if (lag instanceof Error) throw lag;
      return lag;
    },
    consumerStates: () => (r.consumers ?? [true]).map((running, i) => ({ group: `g${i}`, running })),
  } as unknown as ServiceRuntime;
  return new HealthProbes(runtime, limits);
}

describe('health probes', () => {
  it('are ready when every check passes, an empty outbox included', async () => {
    expect(await probesOver({}).ready()).toEqual({ ok: true, body: { status: 'ready' } });
    expect(await probesOver({ outboxAge: null }).ready()).toEqual({ ok: true, body: { status: 'ready' } });
  });

  it('list every failed check, with figures and no error text', async () => {
    const answer = await probesOver({
      outboxAge: 75,
      lag: 250,
      consumers: [true, false],
      stopping: true,
    }).ready();
    expect(answer.ok).toBe(false);
    expect(answer.body).toMatchObject({ type: '/problems/not-ready', status: 503 });
    expect((answer.body as { errors: unknown }).errors).toEqual([
      { path: '/lifecycle', message: 'shutting down' },
      { path: '/outbox', message: 'oldest row 75 s old (limit 60 s)' },
      { path: '/consumerLag', message: '250 messages (limit 100)' },
      { path: '/consumers', message: '1 of 2 not running' },
    ]);
  });

  it('count a database or broker that fails or does not answer in time as not ready, without its message', async () => {
    const failed = await probesOver({
      outboxAge: new Error('password authentication failed for user "x"'),
      lag: new Error('broker gone'),
    }).ready();
    expect(failed.ok ? [] : failed.body.errors).toEqual([
      { path: '/database', message: 'unreachable' },
      { path: '/consumerLag', message: 'not measurable (Kafka)' },
    ]);
    const slow = await probesOver({ outboxAge: 'hang', lag: 'hang' }).ready();
    expect(slow.ok ? [] : slow.body.errors).toEqual([
      { path: '/database', message: 'did not answer within 200 ms' },
      { path: '/consumerLag', message: 'not measured within 200 ms' },
    ]);
  });

  it('are not ready before any consumer runs', async () => {
    const answer = await probesOver({ consumers: [] }).ready();
    expect(answer.ok ? [] : answer.body.errors).toEqual([{ path: '/consumers', message: 'not started yet' }]);
  });

  it('are live whatever the database and the broker do: liveness asks neither', () => {
    expect(probesOver({ outboxAge: 'hang', lag: new Error('down'), consumers: [false] }).live()).toEqual({
      ok: true,
      body: { status: 'live' },
    });
  });

  it('are not live once the event loop was held longer than its limit', async () => {
    const probes = new HealthProbes(probesOverRuntime(), { ...limits, maxEventLoopDelayMs: 100 });
    await new Promise((r) => setTimeout(r, 50)); // let the monitor sample
    const until = Date.now() + 400;
    while (Date.now() < until); // the loop held for 400 ms
    await new Promise((r) => setTimeout(r, 50));
    const answer = probes.live();
    expect(answer.ok).toBe(false);
    expect(answer.body).toMatchObject({ type: '/problems/not-live', status: 503, errors: [{ path: '/eventLoop' }] });
  });
});

function probesOverRuntime(): ServiceRuntime {
  return { isStopping: false, consumerStates: () => [] } as unknown as ServiceRuntime;
}
