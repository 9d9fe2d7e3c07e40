import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { TOPICS } from '@msb/contracts';
import type { ClaimDto } from '@msb/contracts';
import { applyStep, asHospital, IdMap, loadScenario, mapStep, randomTag, SERVICE_NAMES, ServiceName, TestSystem } from '@msb/testing';

/**
 * What an operator sees of the running system: one POST /claims is one trace, with spans from
 * all four services parent-linked across Kafka, sent by OTLP/HTTP to a receiver of the test's
 * own; /metrics in Prometheus text for operators and monitors only, counting what was
 * committed; and each request's id in its response, its problems and its access log line.
 */
interface ExportedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

/** A tiny OTLP/HTTP trace receiver: the exporter posts JSON (ExportTraceServiceRequest) to /v1/traces. */
async function otlpReceiver(): Promise<{ url: string; spans: ExportedSpan[]; contentTypes: Set<string>; close: () => Promise<void> }> {
  const spans: ExportedSpan[] = [];
  const contentTypes = new Set<string>();
  type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
  type KeyValue = { key: string; value: AnyValue };
  const valueOf = (v: AnyValue) => v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      contentTypes.add(String(req.headers['content-type']));
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      if (req.url === '/v1/traces') {
        const request = JSON.parse(body.toString('utf8')) as {
          resourceSpans: {
            resource: { attributes: KeyValue[] };
            scopeSpans: { spans: (Omit<ExportedSpan, 'service' | 'attributes'> & { attributes?: KeyValue[] })[] }[];
          }[];
        };
        for (const rs of request.resourceSpans) {
          const service = String(valueOf(rs.resource.attributes.find((a) => a.key === 'service.name')!.value));
          for (const ss of rs.scopeSpans)
            for (const s of ss.spans)
              spans.push({
                service,
                traceId: s.traceId,
                spanId: s.spanId,
                parentSpanId: s.parentSpanId ?? '',
                name: s.name,
                kind: s.kind,
                attributes: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, valueOf(a.value)])),
              });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, spans, contentTypes, close: () => new Promise((r) => server.close(() => r())) };
}

/** One sample's value from a Prometheus text exposition (undefined when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(m[4]);
  }
  return undefined;
}

const sum = (text: string, name: string, labels: Record<string, string> = {}): number => {
  let total = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)\{(.*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = Object.fromEntries([...m[2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) total += Number(m[3]);
  }
  return total;
};

async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('observability: one trace per claim, metrics, request ids', () => {
  let system: TestSystem;
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;
  const ids = new IdMap(randomTag());
  const claims: ClaimDto[] = [];

  beforeAll(async () => {
    receiver = await otlpReceiver();
    system = await TestSystem.start({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' } });
    // a retroactive grant: 大病 and assistance adjust what they paid (补付)
    for (const step of loadScenario('retroactive-eligibility.json').steps) {
      const mapped = mapStep(step, ids);
      await applyStep(system.clients, mapped);
      if (mapped.op === 'submitClaim') claims.push(mapped.claim);
    }
    await system.caughtUp();
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
    await receiver?.close();
  }, 120_000);

  it('one POST /claims is one trace: spans of all four services, each consumer span a child of its producer across Kafka', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const claim: ClaimDto = { ...claims[0], claimId: `TRACED-${ids.tag}`, serviceDate: claims[0].serviceDate };
    const hospital = asHospital(system.clients, claim.hospital.id);
    const posted = await hospital.post<{ status: string }>('/claims', claim, { traceparent: `00-${traceId}-${callerSpanId}-01` });
    expect(posted.status).toBe(202);
    await eventually('the traced claim to settle', async () => {
      const slip = await hospital.get<{ status: string }>(`/claims/${claim.claimId}`);
      return slip.body.status === 'SETTLED' ? true : undefined;
    });
    await system.caughtUp();

    const topic = (t: string) => `${system.topicPrefix}.${t}`;
    const ofTrace = () => receiver.spans.filter((s) => s.traceId === traceId);
    const find = (service: ServiceName, name: string) => ofTrace().filter((s) => s.service === service && s.name === name);
    // the deepest hop: assistance's decision reaching basic's slip
    await eventually('the spans of every hop', () =>
      find('basic-insurance', `process ${topic(TOPICS.assistanceDecisions)}`).length > 0 &&
      find('audit', `process ${topic(TOPICS.assistanceDecisions)}`).length > 0
        ? true
        : undefined,
    );
    const spans = ofTrace();
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(SERVICE_NAMES));
    expect(receiver.contentTypes).toEqual(new Set(['application/json']));

    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const parentOf = (s: ExportedSpan) => byId.get(s.parentSpanId);
    // basic's request span continues the caller's traceparent
    const [request] = find('basic-insurance', 'POST /claims');
    expect(request).toMatchObject({ parentSpanId: callerSpanId, kind: 2 /* SERVER */, attributes: { 'http.route': '/claims' } });
    // every other span of the trace hangs off another span of it: nothing is cut off
    for (const s of spans.filter((x) => x !== request))
      expect({ span: `${s.service} ${s.name}`, linked: byId.has(s.parentSpanId) }).toEqual({
        span: `${s.service} ${s.name}`,
        linked: true,
      });

    const hop = (service: ServiceName, from: string, parentService: ServiceName) => {
      const list = find(service, `process ${topic(from)}`);
      expect({ hop: `${from} → ${service}`, spans: list.length > 0 }).toEqual({ hop: `${from} → ${service}`, spans: true });
      for (const s of list) {
        expect(s.kind).toBe(5 /* CONSUMER */);
        expect({ hop: `${from} → ${service}`, parent: parentOf(s)?.service }).toEqual({
          hop: `${from} → ${service}`,
          parent: parentService,
        });
      }
      return list;
    };
    // basic's decision, from its request, to 大病 and assistance and audit; the raw claim to audit alone
    for (const s of hop('critical-illness', TOPICS.basicDecisions, 'basic-insurance')) expect(parentOf(s)).toBe(request);
    for (const s of hop('audit', TOPICS.basicClaims, 'basic-insurance')) expect(parentOf(s)).toBe(request);
    hop('audit', TOPICS.basicDecisions, 'basic-insurance');
    // 大病's decision, caused by basic's, to assistance, basic's slip and audit
    hop('medical-assistance', TOPICS.criticalIllnessDecisions, 'critical-illness');
    hop('basic-insurance', TOPICS.criticalIllnessDecisions, 'critical-illness');
    hop('audit', TOPICS.criticalIllnessDecisions, 'critical-illness');
    // assistance's decision (caused by 大病's, or by basic's when that came last) to basic's slip and audit
    hop('basic-insurance', TOPICS.assistanceDecisions, 'medical-assistance');
    hop('audit', TOPICS.assistanceDecisions, 'medical-assistance');
  }, 180_000);

  it('serves /metrics in Prometheus text to operators and monitors only, with what was committed', async () => {
    const basic = system.client('basic-insurance');
    expect((await basic.anonymous().get('/metrics')).status).toBe(401);
    expect((await basic.as({ role: 'hospital', hospital: claims[0].hospital.id }).get('/metrics')).status).toBe(403);
    const scrape = async (service: ServiceName, role = 'monitor') => {
      const r = await system.client(service).as(role).get<string>('/metrics');
      expect(r.status).toBe(200);
      expect(r.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
      return r.body;
    };
    expect(await scrape('basic-insurance', 'operator')).toContain('msb_claims_settled_total');

    // the slips of every claim of the person-year (the traced one too, when it ran)
    const hospital = asHospital(system.clients, claims[0].hospital.id);
    const slips = (
      await Promise.all(
        [...claims.map((c) => c.claimId), `TRACED-${ids.tag}`].map((id) =>
          hospital.get<{ status: string; adjustments: { payer: string; amount: string; reason: string }[] }>(`/claims/${id}`),
        ),
      )
    )
      .filter((r) => r.status === 200)
      .map((r) => r.body);
    // every claim settled, each counted once
    const settledClaims = slips.filter((slip) => slip.status === 'SETTLED').length;
    expect(settledClaims).toBeGreaterThanOrEqual(claims.length);
    const text = await scrape('basic-insurance');
    expect(sample(text, 'msb_claims_settled_total', { service: 'basic-insurance' })).toBe(settledClaims);
    expect(sample(text, 'msb_claim_settle_seconds_count')).toBe(settledClaims);
    expect(sample(text, 'msb_claim_settle_seconds_sum')).toBeGreaterThan(0);
    expect(sample(text, 'msb_claim_settle_seconds_bucket', { le: '+Inf' })).toBe(settledClaims);
    expect(sample(text, 'msb_outbox_rows')).toBe(0);
    expect(sample(text, 'msb_outbox_oldest_age_seconds')).toBe(0);
    expect(sample(text, 'msb_dead_letters')).toBe(0);
    expect(sample(text, 'msb_parked_person_years')).toBe(0);
    expect(sample(text, 'msb_held_person_years')).toBe(0);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    // lag per partition of each topic the slip consumer reads, all caught up
    for (const t of [TOPICS.criticalIllnessDecisions, TOPICS.assistanceDecisions]) {
      const partitions = [
        ...text.matchAll(
          new RegExp(`^msb_consumer_lag\\{[^}]*topic="${system.topicPrefix}\\.${t.replace('.', '\\.')}"[^}]*\\} (\\d+)$`, 'gm'),
        ),
      ];
      expect({ topic: t, partitions: partitions.length > 0, lag: partitions.map((p) => Number(p[1])).reduce((a, b) => a + b, 0) }).toEqual({
        topic: t,
        partitions: true,
        lag: 0,
      });
    }

    // each payer counts the adjustments it committed: as many as the slips show for it
    const shown = slips.flatMap((slip) => slip.adjustments);
    const payers: [ServiceName, string, string][] = [
      ['basic-insurance', 'basic', 'basic'],
      ['critical-illness', 'critical-illness', 'criticalIllness'],
      ['medical-assistance', 'assistance', 'assistance'],
    ];
    let adjustments = 0;
    for (const [service, payer, onSlip] of payers) {
      const counted = await scrape(service);
      for (const direction of ['supplement', 'recovery'] as const) {
        const expected = shown.filter((a) => a.payer === onSlip && (direction === 'recovery') === a.amount.startsWith('-')).length;
        expect({ service, direction, counted: sum(counted, 'msb_adjustments_total', { payer, direction }) }).toEqual({
          service,
          direction,
          counted: expected,
        });
        adjustments += expected;
      }
    }
    expect(adjustments).toBeGreaterThan(0); // the retroactive grant changed what was paid
  }, 120_000);

  it('echoes the caller’s request id, names it in problems and in the one access log line of the request', async () => {
    const requestId = `obs-${ids.tag}-1`;
    const hospital = asHospital(system.clients, claims[0].hospital.id);
    const bad = await hospital.post<{ requestId: string; status: number }>(
      '/claims',
      { ...claims[0], diagnosis: 'not-a-list' },
      { 'x-request-id': requestId },
    );
    expect(bad.status).toBe(400);
    expect(bad.headers['x-request-id']).toBe(requestId);
    expect(bad.body.requestId).toBe(requestId);
    const generated = await hospital.get('/claims/NO-SUCH-CLAIM', { 'x-request-id': 'no spaces allowed' });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated.body).toMatchObject({ status: 404, requestId: generated.headers['x-request-id'] });

    const log = join(system.logDir, 'basic-insurance.log');
    const line = await eventually('the access log line', () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l.includes(`"requestId":"${requestId}"`))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.msg === 'request completed'),
    );
    expect(line).toMatchObject({
      service: 'basic-insurance',
      req: { method: 'POST', route: '/claims', path: '/claims' },
      res: { statusCode: 400 },
    });
    expect(typeof line.responseTime).toBe('number');
    expect(typeof line.traceId).toBe('string');
    const all = readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l.includes(`"requestId":"${requestId}"`));
    expect(all).toHaveLength(1);
    expect(all[0]).not.toContain(claims[0].diagnosis[0]);
    expect(all[0]).not.toMatch(/"body"|authorization|Bearer/i);
  }, 60_000);
});
