import { z } from 'zod';
import { FieldProblem, Problem } from './problem.details';

/**
 * Keyset pagination, one way for every list route: `?limit=` (default 50, at most 500) and
 * `?cursor=`, the opaque key of the last item of the previous page (base64url of its JSON).
 * A page holds the items after that key in the route's order; `nextCursor` is null on the
 * last page. Pure: the route fetches `limit + 1` items after the key and `pageOf` cuts.
 */

export interface PageLimits {
  defaultLimit: number;
  maxLimit: number;
}

export const PAGE_LIMITS: PageLimits = { defaultLimit: 50, maxLimit: 500 };

/** What a caller asked for: how many items, after which key (undefined: from the start). */
export interface PageRequest<K> {
  limit: number;
  after: K | undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The cursor of a key: base64url (RFC 4648 §5, no padding) of its JSON. */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

const BASE64URL = /^[A-Za-z0-9_-]{1,1024}$/;

/** The key a cursor holds, if it is one this route gave out (its shape `key`); undefined otherwise. */
export function decodeCursor<K>(cursor: string, key: z.ZodType<K>): K | undefined {
  if (!BASE64URL.test(cursor)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = key.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** `limit` and `cursor` from a query, with every problem of them (a repeated parameter is one). */
export function readPage<K>(
  query: { cursor?: unknown; limit?: unknown },
  key: z.ZodType<K>,
  limits: PageLimits = PAGE_LIMITS,
): { page: PageRequest<K>; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  let limit = limits.defaultLimit;
  if (query.limit !== undefined) {
    const raw = query.limit;
    const n = typeof raw === 'string' && /^[1-9][0-9]{0,5}$/.test(raw) ? Number(raw) : Number.NaN;
    if (Number.isInteger(n) && n <= limits.maxLimit) limit = n;
    else problems.push({ path: '/query/limit', message: `must be a whole number from 1 to ${limits.maxLimit}` });
  }
  let after: K | undefined;
  if (query.cursor !== undefined) {
    after = typeof query.cursor === 'string' ? decodeCursor(query.cursor, key) : undefined;
    if (after === undefined)
      problems.push({ path: '/query/cursor', message: 'is not a cursor this list gave out (send nextCursor as it came)' });
  }
  return { page: { limit, after }, problems };
}

/** The page a query asks for; a 400 listing these problems and any the route found in its other parameters. */
export function pageRequest<K>(
  query: { cursor?: unknown; limit?: unknown },
  key: z.ZodType<K>,
  otherProblems: readonly FieldProblem[] = [],
  limits: PageLimits = PAGE_LIMITS,
): PageRequest<K> {
  const { page, problems } = readPage(query, key, limits);
  const all = [...otherProblems, ...problems];
  if (all.length) throw Problem.invalid(`The query has ${all.length} problem${all.length === 1 ? '' : 's'}`, all);
  return page;
}

/** A page from the items that follow the cursor, in order, fetched `limit + 1` at most: the extra one says there is more. */
export function pageOf<T, K>(following: readonly T[], page: PageRequest<K>, keyOf: (item: T) => K): Page<T> {
  const items = following.slice(0, page.limit);
  const more = following.length > page.limit && items.length > 0;
  return { items, nextCursor: more ? encodeCursor(keyOf(items[items.length - 1])) : null };
}

/** A page of a list held in memory, sorted by `compare` on the keys (a total order: no two items share a key). */
export function pageOfSorted<T, K>(
  sorted: readonly T[],
  page: PageRequest<K>,
  keyOf: (item: T) => K,
  compare: (a: K, b: K) => number,
): Page<T> {
  let start = 0;
  if (page.after !== undefined) {
    const after = page.after;
    // the first item past the key: binary search, the list being sorted
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compare(keyOf(sorted[mid]), after) <= 0) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  return pageOf(sorted.slice(start, start + page.limit + 1), page, keyOf);
}
