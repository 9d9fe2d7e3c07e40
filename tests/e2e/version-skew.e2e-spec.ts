import { randomUUID } from 'node:crypto';
import { ClaimDto, Envelope, EVENT_TYPES, personKey, TOPICS } from '@msb/contracts';
import { applyStep, IdMap, kafkaAs, loadScenario, mapStep, randomTag, ServiceClient, TestSystem } from '@msb/testing';
import type { Producer } from 'kafkajs';

/**
 * One agency a release ahead of the others. An event of a version its consumers do not read
 * yet stops its partition there: nothing is dead-lettered or skipped, the partition is shown
 * paused in /status, what follows it on that partition waits, the other partitions go on.
 * An event of the current version with properties its consumers do not know is read without
 * them, and audit records it as it was published.
 */
interface HistoryEvent {
  eventId: string;
  type: string;
  index: number;
  revision?: number;
  cause?: unknown;
}
interface Status {
  deadLettered: number;
  consumerLag: number;
  paused: { topic: string; partition: number; offset: string; reason: string; since: string; type: string; version: number }[];
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('version skew between agencies', () => {
  let system: TestSystem;
  const ids = new IdMap(randomTag());
  let good: ClaimDto;
  let region = '';
  let audit: ServiceClient;
  let producer: Producer;

  const history = async (claimId: string) => {
    const r = await audit.get<{ events: HistoryEvent[] }>(`/claims/${claimId}/history`);
    return r.status === 200 ? r.body.events : r.status === 404 ? [] : Promise.reject(new Error(`history answered ${r.status}`));
  };
  const statuses = () =>
    Promise.all(
      [system.clients.basic, system.clients.criticalIllness, system.clients.assistance, audit].map(
        async (c) => (await c.as('operator').get<Status>('/status')).body,
      ),
    );
  const envelope = (type: string, version: number, data: unknown, extra: object = {}): Envelope & Record<string, unknown> => ({
    id: randomUUID(),
    type,
    version,
    source: 'basic-insurance',
    subject: `${region}:${good.personId}:2023`,
    time: new Date().toISOString(),
    correlationId: `skew-${ids.tag}`,
    causationId: null,
    data,
    ...extra,
  });
  /** Produce messages in one batch as basic-insurance, the owner of basic's topics; the first one's offset. */
  async function send(topic: string, key: string, values: object[], partition?: number): Promise<bigint> {
    const [meta] = await producer.send({
      topic: `${system.topicPrefix}.${topic}`,
      acks: -1,
      messages: values.map((value) => ({ key, value: JSON.stringify(value), ...(partition === undefined ? {} : { partition }) })),
    });
    return BigInt(meta.baseOffset!);
  }

  beforeAll(async () => {
    system = await TestSystem.start();
    audit = system.clients.audit;
    const scenario = loadScenario('low-income-margin-assistance.json');
    for (const step of scenario.steps) await applyStep(system.clients, mapStep(step, ids));
    region = ids.region('500112');
    const submit = mapStep(
      scenario.steps.find((s) => s.op === 'submitClaim')!,
      ids,
    );
    good = (submit as { claim: ClaimDto }).claim;
    await system.caughtUp();
    producer = kafkaAs('basic-insurance', 'skew').producer();
    await producer.connect();
  }, 180_000);

  afterAll(async () => {
    await producer?.disconnect();
    await system?.stop();
  }, 120_000);

  it('stops a partition at an event one version ahead: not dead-lettered, not committed past, later events on it wait, the other partitions go on', async () => {
    const claim = (n: string): ClaimDto => ({ ...good, claimId: `SKEW-${n}-${ids.tag}` });
    const key = personKey(region, good.personId);
    const submitted = (c: ClaimDto, version: number, extra: object = {}) =>
      envelope('basic.ClaimSubmitted', version, { claim: c, version: 1, year: 2023, ...extra }, { subject: c.claimId });
    const [stopped, other] = [0, 1];
    // the claim events' current version (2: claims by catalogue code and hospital id), and one a release ahead
    const current = EVENT_TYPES['basic.ClaimSubmitted'].version;
    const newer = current + 1;

    // basic.claims is read by audit alone. On one key and partition, in one batch: a current
    // ClaimSubmitted, a newer one, a current one; then a current one on another partition.
    const first = await send(
      TOPICS.basicClaims,
      key,
      [submitted(claim('BEFORE'), current), submitted(claim('NEWER'), newer, { channel: 'his-v2' }), submitted(claim('AFTER'), current)],
      stopped,
    );
    const newerAt = (first + 1n).toString();
    await send(TOPICS.basicClaims, personKey(region, `OTHER-${ids.tag}`), [submitted(claim('ELSEWHERE'), current)], other);

    // what came before it on its partition is processed, and the other partition goes on
    await eventually('the event before the newer one is logged', async () =>
      (await history(claim('BEFORE').claimId)).length > 0 ? true : undefined,
    );
    await eventually('the event on the other partition is logged', async () =>
      (await history(claim('ELSEWHERE').claimId)).length > 0 ? true : undefined,
    );
    const topic = `${system.topicPrefix}.${TOPICS.basicClaims}`;
    const paused = await eventually('audit reports the partition paused', async () => {
      const s = (await audit.as('operator').get<Status>('/status')).body;
      return s.paused.length > 0 ? s : undefined;
    });
    expect(paused.paused).toEqual([
      {
        group: `${system.topicPrefix}.audit.${system.databaseName('audit')}`,
        topic,
        partition: stopped,
        offset: newerAt,
        reason: 'NEWER_VERSION',
        since: expect.any(String),
        type: 'basic.ClaimSubmitted',
        version: newer,
      },
    ]);

    // a while later: still paused, nothing after it on its partition processed, nothing dead-lettered, nothing committed past it
    await new Promise((r) => setTimeout(r, 3000));
    expect(await history(claim('NEWER').claimId)).toEqual([]);
    expect(await history(claim('AFTER').claimId)).toEqual([]);
    expect((await statuses()).map((s) => s.deadLettered)).toEqual([0, 0, 0, 0]);
    const later = (await audit.as('operator').get<Status>('/status')).body;
    expect(later.paused).toEqual(paused.paused);
    expect(later.consumerLag).toBe(2); // the newer event and the one after it
    const admin = kafkaAs('admin', 'skew-offsets').admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({
        groupId: `${system.topicPrefix}.audit.${system.databaseName('audit')}`,
        topics: [topic],
      });
      expect(committed.partitions.find((p) => p.partition === stopped)?.offset).toBe(newerAt);
    } finally {
      await admin.disconnect();
    }
  }, 120_000);

  it('reads a current event with properties its consumers do not know without them: 大病 and assistance decide on it, audit records it as published', async () => {
    const before = await history(good.claimId);
    const basicDecisions = before.filter((e) => e.type === 'basic.PersonYearDecided');
    const latest = basicDecisions[basicDecisions.length - 1];
    const { event } = (
      await audit.get<{ event: Envelope<Record<string, unknown> & { revision: number; claims: object[] }> }>(`/entries/${latest.index}`)
    ).body;

    // basic's next revision as a producer a release ahead publishes it: one new property in the envelope, the data and each claim
    const cause = { reason: 'CORRECTION', claimId: good.claimId };
    const sent = envelope(
      'basic.PersonYearDecided',
      2,
      {
        ...event.data,
        revision: event.data.revision + 1,
        previousRevision: event.data.revision,
        cause,
        rulesRelease: '2024.2',
        claims: event.data.claims.map((c) => ({ ...c, drgGroup: 'DRG-17' })),
      },
      { subject: event.subject, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    );
    await send(TOPICS.basicDecisions, personKey(region, good.personId), [sent]);

    // a decision carries only the claims it changed: the payers' ledgers show that they decided on the new revision
    const ledger = `/ledgers/${region}/${good.personId}/2023`;
    await eventually('大病 and assistance decide on the new revision', async () => {
      const [ci, assistance] = await Promise.all([
        system.clients.criticalIllness.get<{ basicRevision: number | null }>(ledger),
        system.clients.assistance.get<{ basicRevision: number | null }>(ledger),
      ]);
      return ci.body.basicRevision === sent.data.revision && assistance.body.basicRevision === sent.data.revision ? true : undefined;
    });
    const after = await history(good.claimId);
    const logged = after.find((e) => e.eventId === sent.id)!;
    expect((await audit.get<{ event: unknown }>(`/entries/${logged.index}`)).body.event).toEqual(sent);
    expect((await statuses()).map((s) => s.deadLettered)).toEqual([0, 0, 0, 0]);
  }, 120_000);

  it('reads a claim event of version 1, from before the catalogue (the hospital declared categories, level and in-region): audit records it as published', async () => {
    const old = {
      ...good,
      claimId: `V1-${ids.tag}`,
      hospital: { id: good.hospital.id, level: 3, inRegion: true },
      items: good.items.map((i, n) => ({ code: i.code, amount: i.amount, category: (['A', 'B', 'C'] as const)[n % 3] })),
    };
    const sent = envelope('basic.ClaimSubmitted', 1, { claim: old, version: 1, year: 2023 }, { subject: old.claimId });
    // on the partition that is not stopped at the newer event
    await send(TOPICS.basicClaims, personKey(region, `V1-${ids.tag}`), [sent], 1);
    const [logged] = await eventually('the v1 claim event is logged', async () => {
      const events = await history(old.claimId);
      return events.length > 0 ? events : undefined;
    });
    expect(logged).toMatchObject({ eventId: sent.id, type: 'basic.ClaimSubmitted' });
    expect((await audit.get<{ event: unknown }>(`/entries/${logged.index}`)).body.event).toEqual(sent);
    expect((await statuses()).map((s) => s.deadLettered)).toEqual([0, 0, 0, 0]);
  }, 120_000);
});
