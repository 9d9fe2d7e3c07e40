import { randomUUID } from 'node:crypto';
import { ClaimDto, deadLetterTopic, TOPICS } from '@msb/contracts';
import {
  applyStep,
  asHospital,
  HttpResult,
  IdMap,
  kafkaAs,
  loadScenario,
  mapStep,
  randomTag,
  ServiceClient,
  TestSystem,
} from '@msb/testing';

/**
 * Hostile and careless input. Every bad request gets the right 4xx as
 * application/problem+json listing every problem with its JSON pointer, and changes nothing:
 * no state, no message on Kafka. Poison messages on Kafka go to the dead-letter topics, and
 * so do valid events on the wrong topic or from an agency that does not own it.
 */
interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
}

const paths = (r: HttpResult<Problem>) => (r.body.errors ?? []).map((e) => e.path).sort();

function expectProblem(r: HttpResult<unknown>, status: number): asserts r is HttpResult<Problem> {
  expect(r.status).toBe(status);
  expect(r.contentType).toContain('application/problem+json');
  const body = r.body as Problem;
  expect(body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
}

describe('bad input over HTTP and on Kafka', () => {
  let system: TestSystem;
  const ids = new IdMap(randomTag());
  let region = '';
  let good: ClaimDto;
  let basic: ServiceClient;
  /** basic-insurance as the hospital of the scenario's claim: claims are written by their hospital. */
  let hospital: ServiceClient;
  let assistance: ServiceClient;
  let criticalIllness: ServiceClient;

  /** What must not move while bad requests are refused: messages published and slips. */
  async function footprint() {
    await system.caughtUp();
    // the audit log's checkpoint of what it has recorded, taken now rather than a few seconds later
    await system.clients.audit.post('/checkpoints');
    await system.caughtUp();
    const statuses = await Promise.all(
      [basic, criticalIllness, assistance, system.clients.audit].map((c) =>
        c.as('operator').get<{ published: number; consumed: number }>('/status'),
      ),
    );
    const slip = await basic.get(`/claims/${good.claimId}`);
    const grants = await assistance.get(`/eligibility?personId=${good.personId}`);
    return {
      published: statuses.map((s) => s.body.published),
      consumed: statuses.map((s) => s.body.consumed),
      slip: slip.body,
      grants: grants.body,
    };
  }

  beforeAll(async () => {
    system = await TestSystem.start();
    ({ basic, assistance, criticalIllness } = system.clients);
    const scenario = loadScenario('low-income-margin-assistance.json');
    for (const step of scenario.steps) await applyStep(system.clients, mapStep(step, ids));
    region = ids.region('500112');
    const submit = scenario.steps.find((s) => s.op === 'submitClaim');
    good = mapStep(submit!, ids).op === 'submitClaim' ? (mapStep(submit!, ids) as { claim: ClaimDto }).claim : (undefined as never);
    hospital = asHospital(system.clients, good.hospital.id);
    await system.caughtUp();
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
  }, 120_000);

  it('refuses every kind of bad request with a problem listing every problem, and changes nothing', async () => {
    const before = await footprint();

    // missing fields: each one named
    const empty = await hospital.post('/claims', {});
    expectProblem(empty, 400);
    expect(paths(empty)).toEqual(['/claimId', '/diagnosis', '/hospital', '/items', '/personId', '/region', '/serviceDate', '/visitType']);
    expect(empty.body.errors!.every((e) => e.message === 'is required')).toBe(true);

    // wrong types, negative, NaN, huge and three-decimal amounts, unknown categories, levels and visit types, impossible dates
    const wrong = await hospital.post('/claims', {
      ...good,
      claimId: `BAD-${ids.tag}`,
      hospital: { id: 'H1', level: 4, inRegion: 'yes' },
      visitType: 'EMERGENCY',
      admissionDate: '2023-02-30',
      serviceDate: '2023-13-01',
      diagnosis: ['not-a-code'],
      items: [
        { code: 'A1', category: 'A', amount: 1200 },
        { code: 'A2', category: 'A', amount: '-5.00' },
        { code: 'A3', category: 'A', amount: 'NaN' },
        { code: 'A4', category: 'A', amount: '99999999999999.00' },
        { code: 'A5', category: 'A', amount: '1.234' },
        { code: 'D1', category: 'D', amount: '10.00' },
        { code: 'B1', category: 'B', amount: '10.00', selfPayRatio: '1.5' },
      ],
    });
    expectProblem(wrong, 400);
    expect(paths(wrong)).toEqual(
      [
        '/admissionDate',
        '/diagnosis/0',
        '/hospital/inRegion',
        '/hospital/level',
        '/items/0/amount',
        '/items/1/amount',
        '/items/2/amount',
        '/items/3/amount',
        '/items/4/amount',
        '/items/5/category',
        '/items/6/selfPayRatio',
        '/serviceDate',
        '/visitType',
      ].sort(),
    );

    // discharge before admission
    const backwards = await hospital.post('/claims', {
      ...good,
      claimId: `BAD2-${ids.tag}`,
      admissionDate: '2023-06-20',
      serviceDate: '2023-06-18',
    });
    expectProblem(backwards, 400);
    expect(backwards.body.errors).toEqual([{ path: '/serviceDate', message: expect.stringContaining('before admission') }]);

    // an unknown field is named, not ignored
    const extra = await hospital.post('/claims', { ...good, claimId: `BAD3-${ids.tag}`, discount: '100.00' });
    expectProblem(extra, 400);
    expect(paths(extra)).toEqual(['/discount']);

    // malformed JSON, a body that is not JSON, an oversized body
    expectProblem(await hospital.request('POST', '/claims', '{"claimId": ', { 'content-type': 'application/json' }), 400);
    expectProblem(await hospital.request('POST', '/claims', 'claimId=1', { 'content-type': 'text/plain' }), 415);
    const huge = {
      ...good,
      claimId: `HUGE-${ids.tag}`,
      items: Array.from({ length: 30000 }, (_, i) => ({ code: `X${i}`, category: 'A', amount: '1.00' })),
    };
    expectProblem(await hospital.post('/claims', huge), 413);

    // unknown ids
    expectProblem(await basic.get('/claims/NOPE-1'), 404);
    expectProblem(await hospital.put('/claims/NOPE-1', { ...good, claimId: 'NOPE-1' }), 404);
    expectProblem(await hospital.post('/claims/NOPE-1/reversal', { reason: 'x' }), 404);
    expectProblem(await assistance.post('/eligibility/NOPE-G/revocation', { reason: 'x' }), 404);
    expectProblem(await basic.get(`/ledgers/${region}/NOPE-P/2023`), 404);
    expectProblem(await basic.get('/claims/bad%20id'), 400);

    // conflicting duplicates: the same id with other content
    const reused = await hospital.post('/claims', { ...good, items: [{ code: 'A', category: 'A', amount: '1.00' }] });
    expectProblem(reused, 409);
    const grant = { grantId: ids.grant('G-LIM'), personId: good.personId, category: 'MINIMUM_LIVING', validFrom: '2023-01-01' };
    expectProblem(await assistance.post('/eligibility', grant), 409);
    const moved = await hospital.put(`/claims/${good.claimId}`, { ...good, personId: 'SOMEONE-ELSE' });
    expectProblem(moved, 409);
    expect(paths(moved)).toEqual(['/personId']);
    expectProblem(await hospital.put(`/claims/${good.claimId}`, { ...good, claimId: 'OTHER' }), 400);

    // no basic policy for the region-year: valid but not payable
    expectProblem(await hospital.post('/claims', { ...good, claimId: `NOPOLICY-${ids.tag}`, region: 'ZZ9999' }), 422);

    // policies: bands that do not increase, rates above 1, a stale revision
    const badBands = await criticalIllness.put(`/policies/${region}/2023`, {
      threshold: '1000',
      bands: [{ upTo: '5000', rate: '1.2' }, { upTo: '4000', rate: '0.5' }, { rate: '0.6' }],
    });
    expectProblem(badBands, 400);
    expect(paths(badBands)).toEqual(['/bands/0/rate', '/bands/1/upTo']);
    const current = await basic.get<{ revision: number; policy: unknown }>(`/policies/${region}/2023`);
    expectProblem(
      await basic.put(
        `/policies/${region}/2023`,
        { ...(current.body.policy as object), annualCap: '1' },
        { 'if-match': `"${current.body.revision - 1}"` },
      ),
      409,
    );
    expectProblem(await basic.put(`/policies/${region}/1800`, current.body.policy), 400);
    expectProblem(await assistance.get('/eligibility'), 400);

    // nothing moved
    expect(await footprint()).toEqual(before);
  }, 120_000);

  it('answers the same request twice with the same answer and changes nothing the second time', async () => {
    const before = await footprint();
    const again = await hospital.post<{ claimId: string; status: string }>('/claims', good);
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ claimId: good.claimId, status: 'SETTLED' });
    const policy = await basic.get<{ revision: number; policy: unknown }>(`/policies/${region}/2023`);
    const put = await basic.put(`/policies/${region}/2023`, policy.body.policy);
    expect(put.body).toEqual({ region, year: 2023, revision: policy.body.revision });
    expect(await footprint()).toEqual(before);
  }, 120_000);

  /** The first message of a topic, read as audit (which may read every topic). */
  async function firstMessage(topic: string): Promise<Record<string, unknown>> {
    const consumer = kafkaAs('audit').consumer({ groupId: `${system.topicPrefix}.audit.peek-${randomTag()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const first = new Promise<Record<string, unknown>>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => resolve(JSON.parse(message.value!.toString()) as Record<string, unknown>) });
    });
    const value = await first;
    await consumer.disconnect();
    return value;
  }

  it('sends poison and misplaced messages to the dead-letter topics, counts them in /status and goes on', async () => {
    // basic-insurance's own principal writes them: the only one the broker lets write basic.decisions
    const kafka = kafkaAs('basic-insurance', 'poison');
    const producer = kafka.producer();
    await producer.connect();
    const topic = `${system.topicPrefix}.${TOPICS.basicDecisions}`;
    // valid events, misplaced: basic's decision claiming to come from 大病, and 大病's decision on basic's topic
    const forged = { ...(await firstMessage(topic)), id: randomUUID(), source: 'critical-illness' };
    const misplaced = { ...(await firstMessage(`${system.topicPrefix}.${TOPICS.criticalIllnessDecisions}`)), id: randomUUID() };
    const base = {
      id: '6f1c2b1e-0000-4000-8000-000000000001',
      source: 'x',
      subject: 'x',
      time: new Date().toISOString(),
      correlationId: 'c',
      causationId: null,
    };
    await producer.send({
      topic,
      messages: [
        { key: 'poison', value: '{not json' },
        { key: 'poison', value: JSON.stringify({ ...base, type: 'basic.Unheard', version: 1, data: {} }) },
        // a version ahead of its consumers stops a partition only when the topic's owner sent it
        {
          key: 'poison',
          value: JSON.stringify({
            ...base,
            id: '6f1c2b1e-0000-4000-8000-000000000002',
            type: 'basic.PersonYearDecided',
            version: 7,
            data: {},
          }),
        },
        {
          key: 'poison',
          value: JSON.stringify({
            ...base,
            id: '6f1c2b1e-0000-4000-8000-000000000003',
            type: 'basic.PersonYearDecided',
            version: 1,
            data: { revision: 'one' },
          }),
        },
        { key: 'poison', value: JSON.stringify(forged) },
        { key: 'poison', value: JSON.stringify(misplaced) },
      ],
    });
    await producer.disconnect();
    // the line keeps moving: a new claim after the poison is settled
    const next = { ...good, claimId: `AFTER-POISON-${ids.tag}`, serviceDate: '2023-07-01', admissionDate: '2023-06-28' };
    expect((await hospital.post('/claims', next)).status).toBe(202);
    await system.caughtUp();
    const slip = await basic.get<{ status: string }>(`/claims/${next.claimId}`);
    expect(slip.body.status).toBe('SETTLED');
    // 大病, assistance and audit each consume basic.decisions: each set the six aside
    for (const client of [criticalIllness, assistance, system.clients.audit]) {
      expect((await client.as('operator').get<{ deadLettered: number }>('/status')).body.deadLettered).toBe(6);
    }
    const reasons = new Map<string, number>();
    const dlt = kafkaAs('audit').consumer({ groupId: `${system.topicPrefix}.audit.dlt-${randomTag()}`, maxWaitTimeInMs: 100 });
    await dlt.connect();
    await dlt.subscribe({ topic: deadLetterTopic(topic), fromBeginning: true });
    await new Promise<void>((resolve) => {
      let seen = 0;
      void dlt.run({
        eachMessage: async ({ message }) => {
          const reason = String(message.headers?.['dlt-reason']);
          reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
          if (++seen === 18) resolve();
        },
      });
    });
    await dlt.disconnect();
    expect(Object.fromEntries(reasons)).toEqual({
      MALFORMED_JSON: 3,
      UNKNOWN_TYPE: 3,
      INVALID_DATA: 3,
      WRONG_SOURCE: 6,
      WRONG_TOPIC: 3,
    });
  }, 120_000);
});
