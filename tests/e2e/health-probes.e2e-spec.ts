import { adminServerUrl, TestSystem } from '@msb/testing';
import { Client } from 'pg';

/**
 * Liveness and readiness as the kubelet asks them, without a token: with its database
 * unreachable a service is not ready (503, a problem naming the database) but still live (200),
 * so that it is taken out of the Service rather than restarted; /health keeps its own answer;
 * with the database back it is ready again, in the same process.
 */
describe('GET /health/live and /health/ready', () => {
  let system: TestSystem;
  let admin: Client;
  let database: string;
  const restore = () => admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`);

  beforeAll(async () => {
    system = await TestSystem.start({ services: ['basic-insurance'] });
    database = system.databaseName('basic-insurance');
    const url = new URL(adminServerUrl());
    url.pathname = '/postgres';
    admin = new Client({ connectionString: url.toString() });
    await admin.connect();
  }, 120_000);

  afterAll(async () => {
    if (admin) {
      await restore().catch(() => undefined);
      await admin.end();
    }
    await system?.stop();
  }, 120_000);

  const probe = (path: string) => system.client('basic-insurance').anonymous().get<Record<string, unknown>>(path);

  async function until(path: string, status: number, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await probe(path);
      if (answer.status === status || Date.now() > deadline) return answer;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('are public and say ok, and nothing else, while all is well', async () => {
    const live = await probe('/health/live');
    expect({ status: live.status, body: live.body }).toEqual({ status: 200, body: { status: 'live' } });
    const ready = await until('/health/ready', 200, 30_000);
    expect({ status: ready.status, body: ready.body }).toEqual({ status: 200, body: { status: 'ready' } });
  }, 60_000);

  it('answers not ready but live while the database cannot be reached, and ready again once it can', async () => {
    const pid = system.pid('basic-insurance');
    // cut this system's database only: no new connections, the open ones terminated
    await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`);
    try {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [
        database,
      ]);
      const ready = await until('/health/ready', 503, 20_000);
      expect(ready.status).toBe(503);
      expect(ready.contentType).toMatch(/application\/problem\+json/);
      expect(ready.body).toMatchObject({
        type: '/problems/not-ready',
        status: 503,
        errors: [{ path: '/database', message: expect.any(String) }],
      });
      // liveness asks nothing external: live all along (three times over a few seconds)
      for (let i = 0; i < 3; i++) {
        const live = await probe('/health/live');
        expect({ status: live.status, body: live.body }).toEqual({ status: 200, body: { status: 'live' } });
        await new Promise((r) => setTimeout(r, 1000));
      }
      expect((await probe('/health')).status).toBe(503); // /health as before: the database is down
    } finally {
      await restore();
    }
    const back = await until('/health/ready', 200, 60_000);
    expect({ status: back.status, body: back.body }).toEqual({ status: 200, body: { status: 'ready' } });
    expect(system.pid('basic-insurance')).toBe(pid); // the same process: not restarted, not crashed
  }, 120_000);
});
