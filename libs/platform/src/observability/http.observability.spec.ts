import Fastify, { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { sendProblem } from '../problem.details';
import { createLogger } from '../service.logger';
import { installHttpObservability, requestIdFrom } from './http.observability';
import { ServiceMetrics } from './service.metrics';

/** Every line the service's logger would have written. */
function captured() {
  const lines: string[] = [];
  const stream: DestinationStream = { write: (line: string) => void lines.push(line) };
  return {
    logger: createLogger('test-service', 'info', stream),
    lines,
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const DIAGNOSIS = 'C34.9';
const ITEM = 'ITEM-CHEMO-7731';
const TOKEN = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJob3NwaXRhbCJ9.c2lnbmF0dXJl';
const CLAIM = {
  claimId: 'CL-1',
  personId: 'P-1',
  region: '440300',
  hospital: { id: 'H-1', level: 3, inRegion: true },
  visitType: 'INPATIENT',
  serviceDate: '2024-01-15',
  diagnosis: [DIAGNOSIS],
  items: [{ code: ITEM, category: 'A', amount: '40000' }],
};

describe('HTTP access log lines, request ids and HTTP metrics', () => {
  let app: FastifyInstance;
  let log: ReturnType<typeof captured>;
  let metrics: ServiceMetrics;

  beforeEach(async () => {
    log = captured();
    metrics = new ServiceMetrics();
    app = Fastify({ genReqId: requestIdFrom, requestIdHeader: false, logger: false });
    installHttpObservability(app, { logger: log.logger, metrics });
    app.post('/claims', async (_request, reply) => reply.status(202).send({ claimId: 'CL-1', status: 'PENDING' }));
    app.get('/claims/:claimId', async (_request, reply) =>
      sendProblem(reply, { type: '/problems/not-found', title: 'Not found', status: 404, detail: 'claim CL-9 is unknown' }),
    );
    await app.ready();
  });

  afterEach(() => app.close());

  /** pino-http writes its line when the response has finished. */
  const accessLines = async (n: number) => {
    for (let i = 0; i < 50 && log.records().filter((r) => r.msg === 'request completed').length < n; i++)
      await new Promise((r) => setTimeout(r, 10));
    return log.records().filter((r) => r.msg === 'request completed');
  };

  it('writes one line for a POST /claims with method, route, path, status, duration and request id, and never its body or token', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/claims?personId=P-1',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'x-request-id': 'counter-7.req-42' },
      payload: CLAIM,
    });
    expect(response.statusCode).toBe(202);
    expect(response.headers['x-request-id']).toBe('counter-7.req-42');

    const lines = await accessLines(1);
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({
      service: 'test-service',
      component: 'http',
      requestId: 'counter-7.req-42',
      req: { method: 'POST', route: '/claims', path: '/claims' },
      res: { statusCode: 202 },
      responseTime: expect.any(Number),
    });
    expect(Object.keys(line.req as object).sort()).toEqual(['method', 'path', 'route']);
    expect(line).not.toHaveProperty('body');
    expect(line.req).not.toHaveProperty('body');
    expect(line.req).not.toHaveProperty('headers');
    const text = log.lines.join('');
    for (const secret of [DIAGNOSIS, ITEM, TOKEN, 'Bearer', 'personId', 'P-1', 'INPATIENT'])
      expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
  });

  it('makes a request id when the caller sends none or an unsafe one, echoes it, and names it in problem responses', async () => {
    const none = await app.inject({ method: 'GET', url: '/claims/CL-9' });
    const unsafe = await app.inject({ method: 'GET', url: '/claims/CL-9', headers: { 'x-request-id': 'a b\u00e9<script>' } });
    const tooLong = await app.inject({ method: 'GET', url: '/claims/CL-9', headers: { 'x-request-id': 'x'.repeat(65) } });
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    for (const r of [none, unsafe, tooLong]) {
      expect(r.statusCode).toBe(404);
      expect(r.headers['x-request-id']).toMatch(uuid);
      expect(r.json()).toMatchObject({ status: 404, requestId: r.headers['x-request-id'] });
    }
    expect(new Set([none, unsafe, tooLong].map((r) => r.headers['x-request-id'])).size).toBe(3);
    const lines = await accessLines(3);
    expect(lines.map((l) => l.requestId)).toEqual([none, unsafe, tooLong].map((r) => r.headers['x-request-id']));
    expect(lines[0]).toMatchObject({ req: { method: 'GET', route: '/claims/:claimId', path: '/claims/CL-9' }, res: { statusCode: 404 } });
  });

  it('counts requests by method, route template and status', async () => {
    await app.inject({ method: 'GET', url: '/claims/CL-9' });
    await app.inject({ method: 'GET', url: '/claims/CL-8' });
    await app.inject({ method: 'GET', url: '/nowhere/P-1' });
    const text = await metrics.registry.metrics();
    expect(text).toContain('msb_http_requests_total{method="GET",route="/claims/:claimId",status="404"} 2');
    expect(text).toContain('msb_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).not.toContain('CL-9');
    expect(text).toMatch(/msb_http_request_duration_seconds_count\{method="GET",route="\/claims\/:claimId"\} 2/);
  });
});
