import { AnyEnvelope, canonicalJson, sha256Hex } from '@msb/contracts';

/** The hash of a chain before its first entry. */
export const GENESIS = '0'.repeat(64);

/** entry hash = SHA-256(previous hash ‖ canonical form of the event). */
export function entryHash(previous: string, envelope: unknown): string {
  return entryHashOfText(previous, canonicalJson(envelope));
}

/** The same, from the event's canonical text already made (the recorder stores that text too). */
export function entryHashOfText(previous: string, canonicalText: string): string {
  return sha256Hex(previous + canonicalText);
}

/** One chain per topic partition: Kafka fixes the order within it, so a rebuild gives the same chain. */
export function chainOf(logicalTopic: string, partition: number): string {
  return `${logicalTopic}#${partition}`;
}

/** The head of the whole log: SHA-256 over every chain's name, length and last hash, chains in name order. */
export function logHead(heads: { chain: string; length: number | string; hash: string }[]): string {
  const lines = [...heads]
    .sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0))
    .map((h) => `${h.chain} ${h.length} ${h.hash}`);
  return sha256Hex(lines.join('\n'));
}

/** The claims an event is about (for the claim history). */
export function claimsOf(envelope: AnyEnvelope): string[] {
  switch (envelope.type) {
    case 'basic.ClaimSubmitted':
    case 'basic.ClaimCorrected':
      return [envelope.data.claim.claimId];
    case 'basic.ClaimReversed':
      return [envelope.data.claimId];
    case 'basic.PersonYearDecided':
    case 'critical-illness.PersonYearDecided':
    case 'assistance.PersonYearDecided':
      return envelope.data.claims.map((c) => c.claimId);
    default:
      return [];
  }
}
