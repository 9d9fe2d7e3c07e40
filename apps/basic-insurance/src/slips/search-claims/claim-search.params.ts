import { z } from 'zod';
import { identifier, isoDate } from '@msb/contracts';
import type { Caller } from '@msb/platform';
import type { SlipStatus } from '../slip.view';

/** The slip's statuses (API.md): what `status=` may ask for. */
export const SLIP_STATUSES = ['PENDING', 'SETTLED', 'REVERSED'] as const satisfies readonly SlipStatus[];

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

/** Where a page ends: the last claim's sort key, received time to the microsecond (as Postgres keeps it) and claim id. */
export interface SortKey {
  receivedAt: string;
  claimId: string;
}

const RECEIVED_AT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

/** The cursor of a page: base64url of the JSON [receivedAt, claimId], opaque to callers. */
export function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify([key.receivedAt, key.claimId]), 'utf8').toString('base64url');
}

/** A cursor read back; undefined when it is not one this service gave out. */
export function decodeCursor(cursor: string): SortKey | undefined {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
  const [receivedAt, claimId] = parsed as unknown[];
  if (typeof receivedAt !== 'string' || !RECEIVED_AT.test(receivedAt) || Number.isNaN(Date.parse(receivedAt))) return undefined;
  if (!identifier.safeParse(claimId).success) return undefined;
  return { receivedAt, claimId: claimId as string };
}

const limit = z
  .string({ error: 'must be a whole number from 1 to 500' })
  .regex(/^[1-9]\d{0,5}$/, `must be a whole number from 1 to ${MAX_LIMIT}`)
  .transform(Number)
  .refine((n) => n <= MAX_LIMIT, `must be at most ${MAX_LIMIT}`);

const cursor = z.string({ error: 'must be a cursor from an earlier page' }).transform((value, ctx) => {
  const key = decodeCursor(value);
  if (key === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be a cursor from an earlier page (nextCursor)' });
    return z.NEVER;
  }
  return key;
});

/**
 * GET /claims?personId=&hospitalId=&from=&to=&status=&cursor=&limit=. `from` and `to` are days
 * (UTC) of the claim's receipt (submitted_at, the first POST /claims), both included.
 */
export const claimSearchSchema = z
  .strictObject({
    personId: identifier.optional(),
    hospitalId: identifier.optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    status: z.enum(SLIP_STATUSES, { error: `must be one of ${SLIP_STATUSES.join(', ')}` }).optional(),
    cursor: cursor.optional(),
    limit: limit.optional(),
  })
  .superRefine((q, ctx) => {
    if (q.from !== undefined && q.to !== undefined && q.to < q.from)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `is before from (${q.from})` });
  });
export type ClaimSearch = z.infer<typeof claimSearchSchema>;

/**
 * Whose claims a caller may list: a hospital its own (its hospitalId forced; another's is
 * refused), a basic officer those of its regions (every region when its token names none).
 */
export type SearchScope = { hospitalId?: string; regions?: readonly string[] };

export function searchScope(
  caller: Pick<Caller, 'role' | 'hospital' | 'regions'>,
  hospitalId: string | undefined,
): { ok: true; scope: SearchScope } | { ok: false; reason: string } {
  if (caller.role === 'hospital') {
    if (caller.hospital === undefined) return { ok: false, reason: 'a hospital token without its hospital lists nothing' };
    if (hospitalId !== undefined && hospitalId !== caller.hospital)
      return { ok: false, reason: `a hospital lists only its own claims, not those of ${hospitalId}` };
    return { ok: true, scope: { hospitalId: caller.hospital } };
  }
  return {
    ok: true,
    scope: { ...(hospitalId !== undefined ? { hospitalId } : {}), ...(caller.regions ? { regions: caller.regions } : {}) },
  };
}

/** A page of `limit` from `limit + 1` rows read: the cursor after its last one, null when nothing follows. */
export function page<T>(rows: readonly T[], limit: number, keyOf: (row: T) => SortKey): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(keyOf(items[items.length - 1])) : null };
}
