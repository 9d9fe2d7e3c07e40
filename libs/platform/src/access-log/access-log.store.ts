import { z } from 'zod';
import type { Caller } from '../auth/principal';
import { Page, pageOf, PageRequest } from '../page.cursor';

interface Queryable {
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** One read of someone's personal data: what was read (route and resource) and whose. */
export interface AccessRead {
  /** The route, e.g. "GET /claims/:claimId". */
  action: string;
  /** What was shown, e.g. "claim:C-1", "ledger:500112/P-1/2023". */
  resource: string;
  personId: string;
  correlationId?: string;
}

export interface AccessEntry {
  at: string;
  issuer: string;
  subject: string;
  role: string;
  action: string;
  resource: string;
  correlationId: string | null;
}

/**
 * Record a read before its answer leaves: a read whose record cannot be written is not
 * answered (the caller gets the database's 503), so no personal data is shown unrecorded.
 */
export async function recordAccess(db: Queryable, caller: Caller, read: AccessRead): Promise<void> {
  await recordAccesses(db, caller, [read]);
}

export async function recordAccesses(db: Queryable, caller: Caller, reads: readonly AccessRead[]): Promise<void> {
  if (reads.length === 0) return;
  await db.query(
    `INSERT INTO access_log (issuer, subject, role, action, resource, person_id, correlation_id)
     SELECT $1, $2, $3, x.action, x.resource, x.person_id, x.correlation_id
     FROM unnest($4::text[], $5::text[], $6::text[], $7::text[]) AS x(action, resource, person_id, correlation_id)`,
    [
      caller.issuer,
      caller.subject,
      caller.role,
      reads.map((r) => r.action),
      reads.map((r) => r.resource),
      reads.map((r) => r.personId),
      reads.map((r) => r.correlationId ?? null),
    ],
  );
}

/** The key of an access-log page: the id of the last entry shown (its order of recording). */
export const accessLogKey = z.string().regex(/^[1-9][0-9]{0,18}$/);

/** The recorded reads of a person's data here, oldest first, a page at a time (keyset on the entry's id). */
export async function accessLogPage(db: Queryable, personId: string, page: PageRequest<string>): Promise<Page<AccessEntry>> {
  const rows = await db.query<{
    id: string;
    at: Date;
    issuer: string;
    subject: string;
    role: string;
    action: string;
    resource: string;
    correlation_id: string | null;
  }>(
    `SELECT id::text AS id, at, issuer, subject, role, action, resource, correlation_id FROM access_log
     WHERE person_id = $1 AND access_log.id > $2::bigint ORDER BY access_log.id LIMIT $3`,
    [personId, page.after ?? '0', page.limit + 1],
  );
  const { items, nextCursor } = pageOf(rows, page, (r) => r.id);
  return {
    items: items.map((r) => ({
      at: r.at.toISOString(),
      issuer: r.issuer,
      subject: r.subject,
      role: r.role,
      action: r.action,
      resource: r.resource,
      correlationId: r.correlation_id,
    })),
    nextCursor,
  };
}
