import { z } from 'zod';
import { checkpointSignedV1 } from './audit-checkpoint.schema';
import { Envelope, envelopeSchema } from './envelope.schema';
import {
  assistancePersonYearDecidedV1,
  assistancePolicyRevisedV1,
  basicPersonYearDecidedV1,
  basicPolicyRevisedV1,
  claimCorrectedV1,
  claimReversedV1,
  claimSubmittedV1,
  criticalIllnessPersonYearDecidedV1,
  criticalIllnessPolicyRevisedV1,
  eligibilityGrantedV1,
  eligibilityRevokedV1,
} from './events.schema';
import { TOPICS, TopicName } from './topic.names';

/**
 * Every integration event type: its topic, its current version and its schema. A reader
 * gets older versions upcast to the current one; recorded events are never rewritten.
 */
export const EVENT_TYPES = {
  'basic.ClaimSubmitted': { topic: TOPICS.basicClaims, version: 1, schema: claimSubmittedV1 },
  'basic.ClaimCorrected': { topic: TOPICS.basicClaims, version: 1, schema: claimCorrectedV1 },
  'basic.ClaimReversed': { topic: TOPICS.basicClaims, version: 1, schema: claimReversedV1 },
  'basic.PersonYearDecided': { topic: TOPICS.basicDecisions, version: 1, schema: basicPersonYearDecidedV1 },
  'basic.PolicyRevised': { topic: TOPICS.basicPolicies, version: 1, schema: basicPolicyRevisedV1 },
  'critical-illness.PersonYearDecided': { topic: TOPICS.criticalIllnessDecisions, version: 1, schema: criticalIllnessPersonYearDecidedV1 },
  'critical-illness.PolicyRevised': { topic: TOPICS.criticalIllnessPolicies, version: 1, schema: criticalIllnessPolicyRevisedV1 },
  'assistance.EligibilityGranted': { topic: TOPICS.assistanceEligibility, version: 1, schema: eligibilityGrantedV1 },
  'assistance.EligibilityRevoked': { topic: TOPICS.assistanceEligibility, version: 1, schema: eligibilityRevokedV1 },
  'assistance.PersonYearDecided': { topic: TOPICS.assistanceDecisions, version: 1, schema: assistancePersonYearDecidedV1 },
  'assistance.PolicyRevised': { topic: TOPICS.assistancePolicies, version: 1, schema: assistancePolicyRevisedV1 },
  'audit.CheckpointSigned': { topic: TOPICS.auditCheckpoints, version: 1, schema: checkpointSignedV1 },
} as const satisfies Record<string, { topic: TopicName; version: number; schema: z.ZodType }>;

export type EventType = keyof typeof EVENT_TYPES;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_TYPES)[T]['schema']>;
export type TypedEnvelope<T extends EventType> = Envelope<EventData<T>> & { type: T };
export type AnyEnvelope = { [T in EventType]: TypedEnvelope<T> }[EventType];

/** Upcasters: from (type, version) to the next version's data. None yet: every type is at v1. */
const UPCASTERS: Record<string, (data: unknown) => unknown> = {};

export type DecodeFailure = {
  ok: false;
  reason: 'MALFORMED_JSON' | 'INVALID_ENVELOPE' | 'UNKNOWN_TYPE' | 'UNKNOWN_VERSION' | 'INVALID_DATA';
  detail: string;
};
export type DecodeResult = { ok: true; envelope: AnyEnvelope } | DecodeFailure;

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 20)
    .map((i) => `${i.path.length ? '/' + i.path.join('/') : '/'}: ${i.message}`)
    .join('; ');
}

/** Parse and validate a message from Kafka: envelope, known type, known version, valid data. */
export function decodeMessage(raw: Buffer | string | null): DecodeResult {
  if (raw === null) return { ok: false, reason: 'MALFORMED_JSON', detail: 'empty message value' };
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch (e) {
    return { ok: false, reason: 'MALFORMED_JSON', detail: (e as Error).message };
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, reason: 'INVALID_ENVELOPE', detail: describe(envelope.error) };
  const { type, version } = envelope.data;
  const spec = (EVENT_TYPES as Record<string, { version: number; schema: z.ZodType }>)[type];
  if (spec === undefined) return { ok: false, reason: 'UNKNOWN_TYPE', detail: `unknown event type ${type}` };
  let data = envelope.data.data;
  let v = version;
  while (v < spec.version) {
    const up = UPCASTERS[`${type}@${v}`];
    if (up === undefined) break;
    data = up(data);
    v += 1;
  }
  if (v !== spec.version)
    return { ok: false, reason: 'UNKNOWN_VERSION', detail: `${type} version ${version} is not known (current ${spec.version})` };
  const parsed = spec.schema.safeParse(data);
  if (!parsed.success) return { ok: false, reason: 'INVALID_DATA', detail: describe(parsed.error) };
  return { ok: true, envelope: { ...envelope.data, version: v, data: parsed.data } as AnyEnvelope };
}

export function topicOf(type: EventType): TopicName {
  return EVENT_TYPES[type].topic;
}
