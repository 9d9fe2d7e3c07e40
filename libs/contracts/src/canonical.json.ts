import { createHash } from 'node:crypto';

/**
 * Canonical JSON: object keys sorted, no whitespace, undefined members dropped. Two equal
 * documents always give the same text, hence the same hash (idempotency, audit chain). Built
 * in one pass with plain loops: it runs on every event every service publishes and the audit
 * log records (canonical.json.spec.ts holds it to the reference definition).
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('non-finite number in canonical JSON');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          out += value[i] === undefined ? 'null' : canonicalJson(value[i]);
        }
        return `${out}]`;
      }
      const object = value as Record<string, unknown>;
      // default sort: UTF-16 code unit order, as `a < b` compares
      const keys = Object.keys(object).sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const member = object[key];
        if (member === undefined) continue;
        if (!first) out += ',';
        first = false;
        out += `${JSON.stringify(key)}:${canonicalJson(member)}`;
      }
      return `${out}}`;
    }
    default:
      return JSON.stringify(value) ?? 'null'; // undefined, a function, a symbol at the top; a bigint throws
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function contentHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

type JsonKind = 'null' | 'string' | 'number' | 'boolean' | 'array' | 'object';

/** What a value is in canonical JSON (undefined, a function, a symbol: null, as canonicalJson writes them). */
function jsonKind(value: unknown): JsonKind {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return typeof value as JsonKind;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('non-finite number in canonical JSON');
      return 'number';
    case 'object':
      return Array.isArray(value) ? 'array' : 'object';
    case 'bigint':
      throw new TypeError('a BigInt has no JSON form');
    default:
      return 'null';
  }
}

/**
 * Whether two values have the same canonical JSON, without writing it: the comparison the
 * payers make of every claim of a decision against the previous one, and replay of every
 * decision against the log (canonical.json.spec.ts holds it to `canonicalJson(a) === canonicalJson(b)`).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b && typeof a !== 'number') return true;
  const kind = jsonKind(a);
  if (kind !== jsonKind(b)) return false;
  switch (kind) {
    case 'null':
      return true;
    case 'array': {
      const x = a as unknown[];
      const y = b as unknown[];
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) if (!sameJson(x[i], y[i])) return false;
      return true;
    }
    case 'object': {
      const x = a as Record<string, unknown>;
      const y = b as Record<string, unknown>;
      let members = 0;
      for (const key of Object.keys(x)) {
        if (x[key] === undefined) continue; // dropped from the canonical form
        members += 1;
        if (!Object.prototype.hasOwnProperty.call(y, key) || y[key] === undefined || !sameJson(x[key], y[key])) return false;
      }
      for (const key of Object.keys(y)) if (y[key] !== undefined) members -= 1;
      return members === 0;
    }
    default:
      return a === b; // -0 and 0 are one number in JSON
  }
}
