import { z } from 'zod';
import { checkpointSignedV1 } from './audit-checkpoint.schema';
import { assistanceDecisionV1toV2, basicDecisionV1toV2, criticalIllnessDecisionV1toV2 } from './decision.delta';
import { Envelope, envelopeSchema } from './envelope.schema';
import {
  assistancePersonYearDecidedV2,
  assistancePolicyRevisedV1,
  basicPersonYearDecidedV2,
  basicPolicyRevisedV1,
  claimCorrectedV1,
  claimReversedV1,
  claimSubmittedV1,
  criticalIllnessPersonYearDecidedV2,
  criticalIllnessPolicyRevisedV1,
  eligibilityGrantedV2,
  eligibilityRevokedV2,
  eligibilityV1toV2,
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
  'basic.PersonYearDecided': { topic: TOPICS.basicDecisions, version: 2, schema: basicPersonYearDecidedV2 },
  'basic.PolicyRevised': { topic: TOPICS.basicPolicies, version: 1, schema: basicPolicyRevisedV1 },
  'critical-illness.PersonYearDecided': { topic: TOPICS.criticalIllnessDecisions, version: 2, schema: criticalIllnessPersonYearDecidedV2 },
  'critical-illness.PolicyRevised': { topic: TOPICS.criticalIllnessPolicies, version: 1, schema: criticalIllnessPolicyRevisedV1 },
  'assistance.EligibilityGranted': { topic: TOPICS.assistanceEligibility, version: 2, schema: eligibilityGrantedV2 },
  'assistance.EligibilityRevoked': { topic: TOPICS.assistanceEligibility, version: 2, schema: eligibilityRevokedV2 },
  'assistance.PersonYearDecided': { topic: TOPICS.assistanceDecisions, version: 2, schema: assistancePersonYearDecidedV2 },
  'assistance.PolicyRevised': { topic: TOPICS.assistancePolicies, version: 1, schema: assistancePolicyRevisedV1 },
  'audit.CheckpointSigned': { topic: TOPICS.auditCheckpoints, version: 1, schema: checkpointSignedV1 },
} as const satisfies Record<string, { topic: TopicName; version: number; schema: z.ZodType }>;

export type EventType = keyof typeof EVENT_TYPES;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_TYPES)[T]['schema']>;
export type TypedEnvelope<T extends EventType> = Envelope<EventData<T>> & { type: T };
export type AnyEnvelope = { [T in EventType]: TypedEnvelope<T> }[EventType];

/** Upcasters: from (type, version) to the next version's data. */
const UPCASTERS: Record<string, (data: unknown) => unknown> = {
  'assistance.EligibilityGranted@1': eligibilityV1toV2,
  'assistance.EligibilityRevoked@1': eligibilityV1toV2,
  'basic.PersonYearDecided@1': basicDecisionV1toV2,
  'critical-illness.PersonYearDecided@1': criticalIllnessDecisionV1toV2,
  'assistance.PersonYearDecided@1': assistanceDecisionV1toV2,
};

/**
 * An envelope's data upcast to its type's current version (the envelope as it is when it is
 * already current or its type is unknown). Not validated: for events validated when recorded.
 */
export function upcastEnvelope<E extends Envelope>(e: E): E {
  const spec = (EVENT_TYPES as Record<string, { version: number }>)[e.type];
  if (spec === undefined) return e;
  let data = e.data;
  let v = e.version;
  while (v < spec.version) {
    const up = UPCASTERS[`${e.type}@${v}`];
    if (up === undefined) return e;
    data = up(data);
    v += 1;
  }
  return v === e.version ? e : { ...e, version: v, data };
}

export type DecodeFailure = {
  ok: false;
  reason: 'MALFORMED_JSON' | 'INVALID_ENVELOPE' | 'UNKNOWN_TYPE' | 'UNKNOWN_VERSION' | 'INVALID_DATA';
  detail: string;
};
/** `published`: the envelope as it was published, when it was upcast (audit records events as published). */
export type DecodeResult = { ok: true; envelope: AnyEnvelope; published?: Envelope } | DecodeFailure;

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
    // V8 quotes the start of the text in its message: a body never goes into a detail (or a log)
    return {
      ok: false,
      reason: 'MALFORMED_JSON',
      detail: (e as Error).message.replace(/(\.\.\.)?"[\s\S]*"(\.\.\.)? is not valid JSON/, 'it is not valid JSON'),
    };
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, reason: 'INVALID_ENVELOPE', detail: describe(envelope.error) };
  const { type, version } = envelope.data;
  const spec = (EVENT_TYPES as Record<string, { version: number; schema: z.ZodType }>)[type];
  if (spec === undefined) return { ok: false, reason: 'UNKNOWN_TYPE', detail: `unknown event type ${type}` };
  const current = upcastEnvelope(envelope.data);
  if (current.version !== spec.version)
    return { ok: false, reason: 'UNKNOWN_VERSION', detail: `${type} version ${version} is not known (current ${spec.version})` };
  const parsed = spec.schema.safeParse(current.data);
  if (!parsed.success) return { ok: false, reason: 'INVALID_DATA', detail: describe(parsed.error) };
  return {
    ok: true,
    envelope: { ...current, data: parsed.data } as AnyEnvelope,
    ...(current !== envelope.data ? { published: envelope.data } : {}),
  };
}

export function topicOf(type: EventType): TopicName {
  return EVENT_TYPES[type].topic;
}
