import { z } from 'zod';
import { AGENCIES, AGENCY_ACCESS, TOPIC_OWNERS } from './bus.access';
import { envelopeSchema } from './envelope.schema';
import { EVENT_TYPES, EventType } from './event.registry';
import { tolerant } from './tolerant.schema';
import { ALL_TOPICS, DEFAULT_PARTITIONS, TOPICS, TopicName } from './topic.names';

type Json = Record<string, unknown>;

const PERSON_KEY = '^[A-Za-z0-9]{2,12}:[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';

/** Each topic's Kafka key: what keeps the events about one thing in order on one partition. */
const KEYS = {
  [TOPICS.basicClaims]: { pattern: PERSON_KEY, description: 'region:personId of the claim (personKey)' },
  [TOPICS.basicDecisions]: { pattern: PERSON_KEY, description: 'region:personId of the person-year (personKey)' },
  [TOPICS.criticalIllnessDecisions]: { pattern: PERSON_KEY, description: 'region:personId of the person-year (personKey)' },
  [TOPICS.assistanceDecisions]: { pattern: PERSON_KEY, description: 'region:personId of the person-year (personKey)' },
  [TOPICS.basicPolicies]: { pattern: '^[A-Za-z0-9]{2,12}:\\*$', description: 'region:* of the region-year policy' },
  [TOPICS.criticalIllnessPolicies]: { pattern: '^[A-Za-z0-9]{2,12}:\\*$', description: 'region:* of the region-year policy' },
  [TOPICS.assistancePolicies]: { pattern: '^[A-Za-z0-9]{2,12}:\\*$', description: 'region:* of the region-year policy' },
  [TOPICS.criticalIllnessFunds]: { pattern: '^[A-Za-z0-9]{2,12}:\\*$', description: 'region:* of the region-year fund account' },
  [TOPICS.assistanceEligibility]: {
    pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
    description: 'personId (eligibility is a person’s, in every region)',
  },
  [TOPICS.auditCheckpoints]: { description: 'the origin line of the audit log’s checkpoints' },
} satisfies Record<TopicName, { pattern?: string; description: string }>;

/** A reader's JSON Schema (draft-07, the AsyncAPI Schema Object's base): unknown properties allowed, to be ignored. */
function readerSchema(schema: z.ZodType): Json {
  const { $schema: _dialect, ...json } = z.toJSONSchema(tolerant(schema), { target: 'draft-7', io: 'input' }) as Json;
  return json;
}

function payload(type: EventType): Json {
  const { version, schema, topic } = EVENT_TYPES[type];
  const envelope = readerSchema(envelopeSchema);
  return {
    ...envelope,
    properties: {
      ...(envelope.properties as Json),
      type: { type: 'string', const: type },
      version: { type: 'integer', const: version, description: 'a higher version stops its consumers’ partition until they are upgraded' },
      source: { type: 'string', const: TOPIC_OWNERS[topic], description: 'the agency that owns the topic; anything else is dead-lettered' },
      data: readerSchema(schema),
    },
  };
}

/**
 * The bus as an AsyncAPI 3 document, generated from the registry (EVENT_TYPES, the current
 * version of each type), the topics and bus.access.json: servers, channels with their key and
 * partitions, one message per event type, and what each agency sends and receives.
 */
export function asyncApiDocument(version: string): Json {
  const typesOf = (topic: TopicName) => (Object.keys(EVENT_TYPES) as EventType[]).filter((t) => EVENT_TYPES[t].topic === topic);
  const security = [{ $ref: '#/components/securitySchemes/scram' }];
  const consumed = (topic: TopicName) => AGENCIES.some((a) => AGENCY_ACCESS[a].consumes.includes(topic));
  const channels = Object.fromEntries(
    ALL_TOPICS.map((topic) => [
      topic,
      {
        address: topic,
        title: topic,
        description:
          `Written by ${TOPIC_OWNERS[topic]} alone, the source of every event on it. Key: ${KEYS[topic].description}. ` +
          (consumed(topic) ? `What its consumers cannot process goes to ${topic}.dlt. ` : '') +
          'A deployment may put a prefix before the name (TOPIC_PREFIX).',
        messages: Object.fromEntries(typesOf(topic).map((t) => [t, { $ref: `#/components/messages/${t}` }])),
        bindings: { kafka: { topic, partitions: DEFAULT_PARTITIONS, bindingVersion: '0.5.0' } },
      },
    ]),
  );
  const messages = Object.fromEntries(
    (Object.keys(EVENT_TYPES) as EventType[]).map((t) => [
      t,
      {
        name: t,
        title: `${t} v${EVENT_TYPES[t].version}`,
        contentType: 'application/json',
        payload: payload(t),
        bindings: {
          kafka: { key: { type: 'string', description: KEYS[EVENT_TYPES[t].topic].description, ...pattern(t) }, bindingVersion: '0.5.0' },
        },
      },
    ]),
  );
  const operations: Json = {};
  const operation = (agency: string, action: 'send' | 'receive', topic: TopicName, summary: string) =>
    (operations[`${agency}.${action}.${topic}`] = {
      action,
      channel: { $ref: `#/channels/${topic}` },
      summary,
      messages: typesOf(topic).map((t) => ({ $ref: `#/channels/${topic}/messages/${t}` })),
      tags: [{ name: agency }],
    });
  for (const agency of AGENCIES) {
    for (const topic of ALL_TOPICS.filter((t) => TOPIC_OWNERS[t] === agency))
      operation(agency, 'send', topic, `${agency} publishes ${topic}`);
    const access = AGENCY_ACCESS[agency];
    for (const topic of access.consumes)
      operation(agency, 'receive', topic, `${agency} consumes ${topic} (and dead-letters to ${topic}.dlt)`);
    for (const topic of access.alsoReads) operation(agency, 'receive', topic, `${agency} reads ${topic}`);
  }
  return {
    asyncapi: '3.1.0',
    info: {
      title: 'Medical settlement bus',
      version,
      description: [
        'The events that basic insurance, critical-illness insurance (大病), medical assistance and audit exchange, generated from libs/contracts.',
        'Every message is the same JSON envelope with `type`, `version` and the `data` of that version.',
        'Readers are tolerant: a property they do not know, anywhere, is ignored, so a released version may gain optional properties and nothing else.',
        'A version above the one a consumer knows is neither skipped nor dead-lettered: its partition stops there until the consumer is upgraded.',
        'Versioning rules: docs/CONTRACT.md.',
      ].join(' '),
    },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: '127.0.0.1:19092',
        protocol: 'kafka',
        description: 'deploy/local: one KRaft broker, SASL/SCRAM-SHA-512 without TLS, a principal per agency (npm run infra:up)',
        security,
      },
      cluster: {
        host: 'settlement-kafka-bootstrap.kafka.svc:9093',
        protocol: 'kafka-secure',
        description: 'deploy/k8s: Strimzi, TLS, SCRAM-SHA-512 with a KafkaUser per agency',
        security,
      },
    },
    channels,
    operations,
    components: {
      messages,
      securitySchemes: {
        scram: {
          type: 'scramSha512',
          description: 'One principal per agency; ACLs deny by default and grant what bus.access.json says (docs/SECURITY.md).',
        },
      },
    },
  };
}

function pattern(type: EventType): { pattern?: string } {
  const key: { pattern?: string; description: string } = KEYS[EVENT_TYPES[type].topic];
  return key.pattern ? { pattern: key.pattern } : {};
}
