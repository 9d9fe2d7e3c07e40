import { Parser } from '@asyncapi/parser';
import { asyncApiDocument } from './asyncapi.document';
import { AGENCY_ACCESS, TOPIC_OWNERS } from './bus.access';
import { decodeEnvelope, EVENT_TYPES } from './event.registry';
import { ALL_TOPICS } from './topic.names';

type Json = Record<string, unknown>;
const document = asyncApiDocument('1.2.3');

describe('the AsyncAPI document generated from the registry', () => {
  it('is a valid AsyncAPI 3 document for @asyncapi/parser: no error, no warning', async () => {
    const { document: parsed, diagnostics } = await new Parser().parse(document as never);

    expect(diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code} ${d.message} at ${d.path.join('/')}`)).toEqual([]);
    expect(parsed?.version()).toBe('3.1.0');
    expect(parsed?.channels().length).toBe(ALL_TOPICS.length);
    expect(parsed?.messages().length).toBe(Object.keys(EVENT_TYPES).length);
    expect(
      parsed
        ?.servers()
        .all()
        .every((s) => s.security()[0].all()[0].scheme().type() === 'scramSha512'),
    ).toBe(true);
  }, 120_000);

  it('has a channel per topic with its partitions and key, and a message per event type on its topic', () => {
    const channels = document.channels as Record<string, Json & { messages: Json; bindings: { kafka: Json } }>;
    for (const [type, { topic }] of Object.entries(EVENT_TYPES)) expect(Object.keys(channels[topic].messages)).toContain(type);
    expect(channels['basic.decisions'].bindings.kafka).toEqual({ topic: 'basic.decisions', partitions: 6, bindingVersion: '0.5.0' });
    const messages = (document.components as { messages: Record<string, { bindings: { kafka: { key: { pattern: string } } } }> }).messages;
    expect('440300:P-1'.match(new RegExp(messages['basic.PersonYearDecided'].bindings.kafka.key.pattern))).not.toBeNull();
  });

  it('says what each agency sends and receives as bus.access.json grants it, no more', () => {
    const operations = document.operations as Record<string, { action: string; channel: { $ref: string }; tags: { name: string }[] }>;
    const listed = Object.values(operations).map((o) => `${o.tags[0].name} ${o.action} ${o.channel.$ref.replace('#/channels/', '')}`);
    const granted = [
      ...Object.entries(TOPIC_OWNERS).map(([topic, agency]) => `${agency} send ${topic}`),
      ...Object.entries(AGENCY_ACCESS).flatMap(([agency, a]) => [...a.consumes, ...a.alsoReads].map((t) => `${agency} receive ${t}`)),
    ];
    expect(listed.sort()).toEqual(granted.sort());
  });

  it("describes each message as its type's current version in the envelope, as a tolerant reader reads it", () => {
    const payload = (document.components as { messages: Record<string, { payload: Json & { properties: Record<string, Json> } }> })
      .messages['assistance.EligibilityGranted'].payload;

    expect(payload.properties.version).toMatchObject({ const: 2 });
    expect(payload.properties.source).toMatchObject({ const: 'medical-assistance' });
    expect(payload.required).toEqual(expect.arrayContaining(['id', 'type', 'version', 'source', 'data']));
    expect(JSON.stringify(payload)).not.toContain('"additionalProperties":false');
    // a property the document does not name is read, and ignored, by the registry's readers too
    const sample = {
      id: '00000000-0000-4000-8000-000000000001',
      type: 'assistance.EligibilityGranted',
      version: 2,
      source: 'medical-assistance',
      subject: 'P-1',
      time: '2024-06-01T08:00:00.000Z',
      correlationId: 'c',
      causationId: null,
      data: {
        personId: 'P-1',
        eligibilityRevision: 1,
        grantId: 'G-1',
        windows: [{ category: 'LOW_INCOME', validFrom: '2024-06-01', note: 'new' }],
      },
    };
    expect(decodeEnvelope(sample)).toMatchObject({ ok: true, ignored: ['/data/windows/0/note'] });
  });
});
