import { CATEGORIES } from '@msb/contracts';
import pino from 'pino';

/** What stands in a log line for a value that must not be there. */
export const CENSOR = '[REDACTED]';

/**
 * Keys whose values never reach a log line, at any depth, whatever the spelling (`Authorization`,
 * `set-cookie`, `access_token`…): request bodies, diagnoses and bill items, eligibility
 * categories, grants and windows, credentials (PIPL art. 6, 51; GB/T 39725 §6).
 */
const KEYS = [
  'body',
  'rawBody',
  'requestBody',
  'payload',
  'diagnosis',
  'diagnoses',
  'items',
  'category',
  'categories',
  'assistanceCategory',
  'grant',
  'grants',
  'windows',
  'eligibility',
  'revokedReason',
  'authorization',
  'proxyAuthorization',
  'cookie',
  'setCookie',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'password',
  'secret',
  'clientSecret',
  'apiKey',
  'xApiKey',
  'privateKey',
] as const;
const normalise = (key: string) => key.replace(/[-_\s]/g, '').toLowerCase();
const REDACTED_KEYS = new Set(KEYS.map(normalise));

/** True when a key's value is never logged. */
export function isRedactedKey(key: string): boolean {
  return REDACTED_KEYS.has(normalise(key));
}

const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi;
const JWT = /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const CATEGORY = new RegExp(`\\b(${CATEGORIES.join('|')})\\b`, 'g');

/** A text with credentials (bearer and basic tokens, JWTs) and eligibility category names cut out. */
export function scrubText(text: string): string {
  return text.replace(BEARER, `$1 ${CENSOR}`).replace(JWT, CENSOR).replace(CATEGORY, CENSOR);
}

const MAX_DEPTH = 10;

/**
 * A copy of a value fit for a log line: redacted keys censored at any depth, strings scrubbed,
 * errors serialised (type, message, stack, causes, own fields) and redacted alike, cycles and
 * depth cut. The value itself is left as it is.
 */
export function redactDeep(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value;
  if (Buffer.isBuffer(value)) return CENSOR; // a raw message or body
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Too deep]';
  seen.add(value);
  try {
    if (value instanceof Error) return redactDeep({ ...pino.stdSerializers.err(value) }, depth, seen);
    if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1, seen));
    const copy: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) copy[key] = isRedactedKey(key) ? CENSOR : redactDeep(v, depth + 1, seen);
    return copy;
  } finally {
    seen.delete(value);
  }
}
