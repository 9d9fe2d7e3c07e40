import access from './bus.access.json';

/**
 * Topic names. Topics are provisioned by the bus's admin (deploy/local/bus.js, Strimzi
 * KafkaTopic), never by the services; `<topic>.dlt` holds what its consumers could not
 * process. Who writes and reads each one: bus.access.json. A prefix (TOPIC_PREFIX) lets
 * several independent systems share one broker (tests, demos).
 */
export const TOPICS = {
  basicClaims: 'basic.claims',
  basicDecisions: 'basic.decisions',
  basicPolicies: 'basic.policies',
  criticalIllnessDecisions: 'critical-illness.decisions',
  criticalIllnessPolicies: 'critical-illness.policies',
  /** The 大病 fund's year-end settlements (年度清算), for the basic fund that books them. */
  criticalIllnessFunds: 'critical-illness.funds',
  assistanceEligibility: 'assistance.eligibility',
  assistanceDecisions: 'assistance.decisions',
  assistancePolicies: 'assistance.policies',
  /** Audit's signed checkpoints, for every agency to keep a copy. */
  auditCheckpoints: 'audit.checkpoints',
} as const;
export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];
/** Every topic of the bus. */
export const ALL_TOPICS: TopicName[] = Object.values(TOPICS);
/** The agencies' topics, which audit logs (all but its own checkpoints). */
export const AUDITED_TOPICS: TopicName[] = ALL_TOPICS.filter((t) => t !== TOPICS.auditCheckpoints);

/** What a topic is provisioned with, and what a service checks at start (bus.access.json `topics`). */
export interface TopicSettings {
  partitions: number;
  /** Topic-level configs (string values, as Kafka's DescribeConfigs shows them). */
  config: Readonly<Record<string, string>>;
}

/** Event topics keep everything (retention.ms -1): history is rebuilt from offset 0. */
export const EVENT_TOPIC_SETTINGS: TopicSettings = access.topics.events;
/** Dead-letter topics expire (30 days); each service keeps its dead letters in its database. */
export const DEAD_LETTER_TOPIC_SETTINGS: TopicSettings = access.topics.deadLetters;

export const DEFAULT_PARTITIONS = EVENT_TOPIC_SETTINGS.partitions;

export function deadLetterTopic(topic: string): string {
  return `${topic}.dlt`;
}

export function prefixed(prefix: string, topic: string): string {
  return prefix ? `${prefix}.${topic}` : topic;
}

/** Kafka key of everything about one insured person in one region: keeps their events in order. */
export function personKey(region: string, personId: string): string {
  return `${region}:${personId}`;
}
