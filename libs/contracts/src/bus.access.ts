import access from './bus.access.json';
import type { Envelope } from './envelope.schema';
import { EVENT_TYPES } from './event.registry';
import type { TopicName } from './topic.names';

/** The four agencies, each a Kafka principal and the `source` of the events it publishes. */
export const AGENCIES = ['basic-insurance', 'critical-illness', 'medical-assistance', 'audit'] as const;
export type Agency = (typeof AGENCIES)[number];

export interface AgencyAccess {
  /** Topics its consumers read; it writes their dead-letter topics. */
  consumes: TopicName[];
  /** Topics it may read without consuming them. */
  alsoReads: TopicName[];
  /** Reads every topic and dead-letter topic (audit). */
  readsEverything?: boolean;
}

/** The one agency that writes each topic (bus.access.json, which provisioning grants from). */
export const TOPIC_OWNERS = access.owners as Record<TopicName, Agency>;
export const AGENCY_ACCESS = access.agencies as Record<Agency, AgencyAccess>;

export type ProvenanceFailure = { ok: false; reason: 'WRONG_TOPIC' | 'WRONG_SOURCE'; detail: string };

/**
 * An event belongs on the topic of its type and comes from the agency that owns that topic;
 * anything else is refused, whatever principal managed to write it (来源校验).
 * `topic` is the logical name, without the deployment's prefix.
 */
export function provenanceFailure(envelope: Pick<Envelope, 'type' | 'source'>, topic: string): ProvenanceFailure | undefined {
  const spec = (EVENT_TYPES as Record<string, { topic: TopicName }>)[envelope.type];
  if (spec === undefined || spec.topic !== topic) {
    return { ok: false, reason: 'WRONG_TOPIC', detail: `${envelope.type} does not belong on ${topic}` };
  }
  const owner = TOPIC_OWNERS[spec.topic];
  if (envelope.source !== owner) {
    return { ok: false, reason: 'WRONG_SOURCE', detail: `${topic} carries events of ${owner} only, not of ${envelope.source}` };
  }
  return undefined;
}
