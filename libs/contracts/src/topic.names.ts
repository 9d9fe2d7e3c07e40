/**
 * Topic names. Every service creates the topics it produces at start, with explicit
 * partitions; `<topic>.dlt` holds what its consumers could not process. A prefix
 * (TOPIC_PREFIX) lets several independent systems share one broker (tests, demos).
 */
export const TOPICS = {
  basicClaims: 'basic.claims',
  basicDecisions: 'basic.decisions',
  basicPolicies: 'basic.policies',
  criticalIllnessDecisions: 'critical-illness.decisions',
  criticalIllnessPolicies: 'critical-illness.policies',
  assistanceEligibility: 'assistance.eligibility',
  assistanceDecisions: 'assistance.decisions',
  assistancePolicies: 'assistance.policies',
  auditCheckpoints: 'audit.checkpoints',
} as const;
export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];
export const ALL_TOPICS: TopicName[] = Object.values(TOPICS);

export const DEFAULT_PARTITIONS = 6;

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
