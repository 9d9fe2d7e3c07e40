import { z } from 'zod';
import { checkpointSignedV1 } from './audit-checkpoint.schema';
import { assistanceDecisionV1toV2, basicDecisionV1toV2, criticalIllnessDecisionV1toV2 } from './decision.delta';
import { Envelope } from './envelope.schema';
import { fundContractRevisedV1, fundSettledV1 } from './fund.schema';
import {
  assistancePersonYearDecidedV1,
  assistancePersonYearDecidedV2,
  assistancePolicyRevisedV1,
  basicPersonYearDecidedV1,
  basicPersonYearDecidedV2,
  basicPolicyRevisedV1,
  basicCatalogueRevisedV1,
  claimCorrectedV1,
  claimCorrectedV2,
  claimEventV1toV2,
  claimReversedV1,
  claimSubmittedV1,
  claimSubmittedV2,
  criticalIllnessCatalogueRevisedV1,
  hospitalRegisteredV1,
  criticalIllnessPersonYearDecidedV1,
  criticalIllnessPersonYearDecidedV2,
  criticalIllnessPolicyRevisedV1,
  eligibilityGrantedV1,
  eligibilityGrantedV2,
  eligibilityRevokedV1,
  eligibilityRevokedV2,
  eligibilityV1toV2,
} from './events.schema';
import { DecodeFailure, eventVersions, EventVersion } from './event-versions.reader';
import { TOPICS, TopicName } from './topic.names';

/**
 * Every integration event type: its topic, its current version and its schema. A reader
 * gets older versions upcast to the current one; recorded events are never rewritten.
 * A released version is frozen but for new optional properties (docs/CONTRACT.md).
 */
export const EVENT_TYPES = {
  'basic.ClaimSubmitted': { topic: TOPICS.basicClaims, version: 2, schema: claimSubmittedV2 },
  'basic.ClaimCorrected': { topic: TOPICS.basicClaims, version: 2, schema: claimCorrectedV2 },
  'basic.ClaimReversed': { topic: TOPICS.basicClaims, version: 1, schema: claimReversedV1 },
  'basic.PersonYearDecided': { topic: TOPICS.basicDecisions, version: 2, schema: basicPersonYearDecidedV2 },
  'basic.PolicyRevised': { topic: TOPICS.basicPolicies, version: 1, schema: basicPolicyRevisedV1 },
  'basic.CatalogueRevised': { topic: TOPICS.basicPolicies, version: 1, schema: basicCatalogueRevisedV1 },
  'basic.HospitalRegistered': { topic: TOPICS.basicPolicies, version: 1, schema: hospitalRegisteredV1 },
  'critical-illness.PersonYearDecided': { topic: TOPICS.criticalIllnessDecisions, version: 2, schema: criticalIllnessPersonYearDecidedV2 },
  'critical-illness.PolicyRevised': { topic: TOPICS.criticalIllnessPolicies, version: 1, schema: criticalIllnessPolicyRevisedV1 },
  'critical-illness.CatalogueRevised': {
    topic: TOPICS.criticalIllnessPolicies,
    version: 1,
    schema: criticalIllnessCatalogueRevisedV1,
  },
  'critical-illness.FundSettled': { topic: TOPICS.criticalIllnessFunds, version: 1, schema: fundSettledV1 },
  'critical-illness.ContractRevised': { topic: TOPICS.criticalIllnessFunds, version: 1, schema: fundContractRevisedV1 },
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

/**
 * Upcasters: from (type, version) to the next version's data. A type's version goes up by
 * one, with an upcaster from the one before and that version's schema in OLDER_SCHEMAS.
 */
const UPCASTERS: Record<string, (data: unknown) => unknown> = {
  'assistance.EligibilityGranted@1': eligibilityV1toV2,
  'assistance.EligibilityRevoked@1': eligibilityV1toV2,
  'basic.PersonYearDecided@1': basicDecisionV1toV2,
  'critical-illness.PersonYearDecided@1': criticalIllnessDecisionV1toV2,
  'assistance.PersonYearDecided@1': assistanceDecisionV1toV2,
  'basic.ClaimSubmitted@1': claimEventV1toV2,
  'basic.ClaimCorrected@1': claimEventV1toV2,
};

/**
 * The schema of every older version still read, one per upcaster (`type@version` as in
 * UPCASTERS): a message of an older version is read with it before it is upcast, and a
 * released version stays here for as long as producers may publish it or logs hold it.
 */
const OLDER_SCHEMAS: Record<string, z.ZodType> = {
  'assistance.EligibilityGranted@1': eligibilityGrantedV1,
  'assistance.EligibilityRevoked@1': eligibilityRevokedV1,
  'basic.PersonYearDecided@1': basicPersonYearDecidedV1,
  'critical-illness.PersonYearDecided@1': criticalIllnessPersonYearDecidedV1,
  'assistance.PersonYearDecided@1': assistancePersonYearDecidedV1,
  'basic.ClaimSubmitted@1': claimSubmittedV1,
  'basic.ClaimCorrected@1': claimCorrectedV1,
};

const VERSIONS = eventVersions({ types: EVENT_TYPES, upcasters: UPCASTERS, olderSchemas: OLDER_SCHEMAS });

/** Every version of every event type that is read: each type's current one, then its older ones. */
export const EVENT_VERSIONS = [...VERSIONS.versions.values()] as readonly (EventVersion & { type: EventType })[];

/**
 * An envelope's data upcast to its type's current version (the envelope as it is when it is
 * already current or its type is unknown). Not validated: for events validated when recorded.
 */
export function upcastEnvelope<E extends Envelope>(e: E): E {
  return VERSIONS.upcast(e);
}

export type { DecodeFailure, EventVersion };
/**
 * `published`: the envelope exactly as it was published, when what is read differs from it
 * (upcast, or unknown properties dropped): audit records events as published. `ignored`: the
 * unknown properties dropped, as JSON pointers.
 */
export type DecodeResult = { ok: true; envelope: AnyEnvelope; published?: Envelope; ignored?: string[] } | DecodeFailure;

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
  return decodeEnvelope(json);
}

/**
 * Validate a parsed envelope as a tolerant reader: unknown properties of the envelope and of
 * its data, at any depth, are dropped (and named in `ignored`); an older version is read with
 * its own schema and upcast; a version newer than this code knows is NEWER_VERSION.
 */
export function decodeEnvelope(json: unknown): DecodeResult {
  return VERSIONS.decode(json) as DecodeResult;
}

export function topicOf(type: EventType): TopicName {
  return EVENT_TYPES[type].topic;
}
