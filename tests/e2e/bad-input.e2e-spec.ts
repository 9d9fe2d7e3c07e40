import { randomUUID } from 'node:crypto';
import { ClaimDto, deadLetterTopic, REGISTRY_DECIDED_FIELDS, TOPICS } from '@msb/contracts';
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
  /** A hospital the registry holds but no longer designates (定点 withdrawn), and a region-year with a policy but no catalogue. */
  const undesignated = ids.hospital('H-WITHDRAWN');
  const uncatalogued = ids.region('NOCAT1');

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
    const registered = await basic.put(`/hospitals/${undesignated}`, { name: 'Withdrawn Hospital', level: 2, region, designated: false });
    expect(registered.status).toBe(200);
    const policy = scenario.steps.find((s) => s.op === 'putPolicy' && s.basic !== undefined);
    if (policy?.op !== 'putPolicy') throw new Error('the scenario puts no basic policy');
    expect((await basic.put(`/policies/${uncatalogued}/2023`, policy.basic)).status).toBe(200);
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

    // wrong types, negative, NaN, huge and three-decimal amounts, empty codes, bad quantities, unknown visit types, impossible dates
    const wrong = await hospital.post('/claims', {
      ...good,
      claimId: `BAD-${ids.tag}`,
      hospital: { id: 'not an id' },
      visitType: 'EMERGENCY',
      admissionDate: '2023-02-30',
      serviceDate: '2023-13-01',
      diagnosis: ['not-a-code'],
      items: [
        { code: 'A1', amount: 1200 },
        { code: 'A2', amount: '-5.00' },
        { code: 'A3', amount: 'NaN' },
        { code: 'A4', amount: '99999999999999.00' },
        { code: 'A5', amount: '1.234' },
        { code: '', amount: '10.00' },
        { code: 'Q1', amount: '10.00', quantity: '0', unitPrice: '10.00' },
        { code: 'Q2', amount: '10.00', quantity: 2, unitPrice: '5.00' },
      ],
    });
    expectProblem(wrong, 400);
    expect(paths(wrong)).toEqual(
      [
        '/admissionDate',
        '/diagnosis/0',
        '/hospital/id',
        '/items/0/amount',
        '/items/1/amount',
        '/items/2/amount',
        '/items/3/amount',
        '/items/4/amount',
        '/items/5/code',
        '/items/6/amount',
        '/items/6/quantity',
        '/items/7/quantity',
        '/serviceDate',
        '/visitType',
      ].sort(),
    );

    // what the bureau's and the insurer's registries decide is not the hospital's to send: each such field named, with who decides it
    const [first, second, third] = good.items;
    const declared = await hospital.post('/claims', {
      ...good,
      claimId: `DECLARED-${ids.tag}`,
      hospital: { ...good.hospital, level: 3, inRegion: true },
      items: [
        { ...first, category: 'A' },
        { ...second, category: 'B', selfPayRatio: '0.10' },
        { ...third, category: 'C', ciEligible: true },
      ],
    });
    expectProblem(declared, 400);
    expect([...declared.body.errors!].sort((a, b) => (a.path < b.path ? -1 : 1))).toEqual([
      { path: '/hospital/inRegion', message: REGISTRY_DECIDED_FIELDS.inRegion },
      { path: '/hospital/level', message: REGISTRY_DECIDED_FIELDS.level },
      { path: '/items/0/category', message: REGISTRY_DECIDED_FIELDS.category },
      { path: '/items/1/category', message: REGISTRY_DECIDED_FIELDS.category },
      { path: '/items/1/selfPayRatio', message: REGISTRY_DECIDED_FIELDS.selfPayRatio },
      { path: '/items/2/category', message: REGISTRY_DECIDED_FIELDS.category },
      { path: '/items/2/ciEligible', message: REGISTRY_DECIDED_FIELDS.ciEligible },
    ]);

    // quantity × unit price must be the amount (3 × 3.33 = 9.99, not 10.00), and the two go together
    const mispriced = await hospital.post('/claims', {
      ...good,
      claimId: `MISPRICED-${ids.tag}`,
      items: [
        { ...first, amount: '10.00', quantity: '3', unitPrice: '3.33' },
        { ...second, quantity: '2' },
        { ...third, amount: '10.00', quantity: '4', unitPrice: '2.5' },
      ],
    });
    expectProblem(mispriced, 400);
    expect(mispriced.body.errors).toEqual([
      { path: '/items/0/amount', message: expect.stringContaining('quantity × unitPrice') },
      { path: '/items/1/unitPrice', message: expect.stringContaining('together') },
    ]);

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
      items: Array.from({ length: 40000 }, (_, i) => ({ code: `X${i}`, amount: '1.00' })),
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
    const reused = await hospital.post('/claims', { ...good, items: [{ code: 'A-ITEM', amount: '1.00' }] });
    expectProblem(reused, 409);
    const grant = { grantId: ids.grant('G-LIM'), personId: good.personId, category: 'MINIMUM_LIVING', validFrom: '2023-01-01' };
    expectProblem(await assistance.post('/eligibility', grant), 409);
    const moved = await hospital.put(`/claims/${good.claimId}`, { ...good, personId: 'SOMEONE-ELSE' });
    expectProblem(moved, 409);
    expect(paths(moved)).toEqual(['/personId']);
    expectProblem(await hospital.put(`/claims/${good.claimId}`, { ...good, claimId: 'OTHER' }), 400);

    // no basic policy, or no catalogue, for the region-year: valid but not payable
    expectProblem(await hospital.post('/claims', { ...good, claimId: `NOPOLICY-${ids.tag}`, region: 'ZZ9999' }), 422);
    expectProblem(await hospital.post('/claims', { ...good, claimId: `NOCAT-${ids.tag}`, region: uncatalogued }), 422);

    // a hospital the registry does not hold, or holds but does not designate: valid but not payable
    const unknownHospital = ids.hospital('H-NOWHERE');
    expectProblem(
      await asHospital(system.clients, unknownHospital).post('/claims', {
        ...good,
        claimId: `NOHOSPITAL-${ids.tag}`,
        hospital: { id: unknownHospital },
      }),
      422,
    );
    expectProblem(
      await asHospital(system.clients, undesignated).post('/claims', {
        ...good,
        claimId: `UNDESIGNATED-${ids.tag}`,
        hospital: { id: undesignated },
      }),
      422,
    );

    // catalogues and hospital records: a ratio on a non-B entry, an unknown category, a code listed twice, a record of no level
    const badCatalogue = await basic.put(`/catalogue/${region}/2023`, {
      items: { 'A-ITEM': { category: 'A', selfPayRatio: '0.10' }, 'D-ITEM': { category: 'D' } },
    });
    expectProblem(badCatalogue, 400);
    expect(paths(badCatalogue)).toEqual(['/items/A-ITEM/selfPayRatio', '/items/D-ITEM/category']);
    const twice = await criticalIllness.put(`/catalogue/${region}/2023`, { covered: ['C-ITEM', 'C-ITEM'] });
    expectProblem(twice, 400);
    expect(paths(twice)).toEqual(['/covered/1']);
    const badHospital = await basic.put(`/hospitals/${ids.hospital('H-BAD')}`, { name: '', level: 4, region: 'x', designated: 'yes' });
    expectProblem(badHospital, 400);
    expect(paths(badHospital)).toEqual(['/designated', '/level', '/name', '/region']);

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
