import { Injectable } from '@nestjs/common';
import { Category, contentHash, eligibilityWindows, EVENT_TYPES, GrantDto, GrantRequestDto, TOPICS } from '@msb/contracts';
import { appendToStream, enqueue, envelope, Tx } from '@msb/eventing';
import { EligibilityStore, FieldProblem, Problem } from '@msb/platform';
import { SOURCE } from '../person-years/assistance-person-year.repository';
import {
  amendedTerms,
  amendmentChange,
  amendmentProblems,
  GrantAmendment,
  GrantState,
  GrantStatus,
  GrantTerms,
  notLiveReason,
  revocationProblems,
  revokedTerms,
  spanOf,
  statusOf,
} from './grant-changes.rules';

interface GrantRow {
  grant_id: string;
  person_id: string;
  category: Category;
  valid_from: string;
  valid_to: string | null;
  revoked: boolean;
  revoked_reason: string | null;
  revoked_from: string | null;
  revision: number;
  content_hash: string;
  granted_at: Date;
  revoked_at: Date | null;
  amended_at: Date | null;
}

interface RevisionRow {
  grant_id: string;
  revision: number;
  change: GrantChange;
  category: Category;
  valid_from: string;
  valid_to: string | null;
  revoked_from: string | null;
  reason: string | null;
  at: Date;
}

/** What made a revision of a grant: granted, amended (PATCH), revoked from a date, revoked from its start. */
export type GrantChange = 'GRANTED' | 'AMENDED' | 'REVOKED' | 'VOIDED';

export interface GrantRevisionView {
  revision: number;
  change: GrantChange;
  category: Category;
  validFrom: string;
  validTo?: string;
  /** A dated revocation: the first day without eligibility. */
  effectiveFrom?: string;
  reason?: string;
  at: string;
}

/** A grant as civil affairs shows it (GET /eligibility): its current terms and revision, and every revision before. */
export interface GrantView extends GrantDto {
  status: GrantStatus;
  /** The first day without eligibility, for a grant revoked from a date. */
  revokedFrom?: string;
  revision: number;
  amendedAt?: string;
  history: GrantRevisionView[];
}

const DATE = (column: string) => `to_char(${column}, 'YYYY-MM-DD') AS ${column}`;
const COLUMNS = `grant_id, person_id, category, ${DATE('valid_from')}, ${DATE('valid_to')}, revoked, revoked_reason, ${DATE('revoked_from')},
  revision, content_hash, granted_at, revoked_at, amended_at`;
const REVISION_COLUMNS = `grant_id, revision, change, category, ${DATE('valid_from')}, ${DATE('valid_to')}, ${DATE('revoked_from')}, reason, at`;

function stateOf(r: GrantRow): GrantState {
  return {
    grantId: r.grant_id,
    personId: r.person_id,
    category: r.category,
    validFrom: r.valid_from,
    ...(r.valid_to ? { validTo: r.valid_to } : {}),
    revision: r.revision,
    revoked: r.revoked,
    ...(r.revoked_from ? { revokedFrom: r.revoked_from } : {}),
  };
}

function revisionView(r: RevisionRow): GrantRevisionView {
  return {
    revision: r.revision,
    change: r.change,
    category: r.category,
    validFrom: r.valid_from,
    ...(r.valid_to ? { validTo: r.valid_to } : {}),
    ...(r.revoked_from ? { effectiveFrom: r.revoked_from } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
    at: r.at.toISOString(),
  };
}

function toView(r: GrantRow, history: GrantRevisionView[]): GrantView {
  return {
    grantId: r.grant_id,
    personId: r.person_id,
    category: r.category,
    validFrom: r.valid_from,
    ...(r.valid_to ? { validTo: r.valid_to } : {}),
    status: statusOf(stateOf(r)),
    revoked: r.revoked,
    ...(r.revoked_reason ? { revokedReason: r.revoked_reason } : {}),
    ...(r.revoked_from ? { revokedFrom: r.revoked_from } : {}),
    grantedAt: r.granted_at.toISOString(),
    ...(r.revoked_at ? { revokedAt: r.revoked_at.toISOString() } : {}),
    revision: r.revision,
    ...(r.amended_at ? { amendedAt: r.amended_at.toISOString() } : {}),
    history,
  };
}

/** A request body as parsed: its value, or the problems of its shape (listed with the problems against the grant). */
export type Parsed<T> = { ok: true; value: T; problems: [] } | { ok: false; problems: FieldProblem[] };

/** An eligibility change as it reaches the payers (assistance.eligibility) and civil affairs' own stream. */
type Change =
  | { type: 'assistance.EligibilityGranted'; recorded: 'EligibilityGranted' | 'EligibilityAmended'; detail: object }
  | { type: 'assistance.EligibilityRevoked'; recorded: 'EligibilityRevoked' | 'EligibilityAmended'; detail: object };

/**
 * Eligibility (救助对象认定) as civil affairs records it: grants, amendments and revocations,
 * each a new revision of the grant and a new eligibility revision of the person. Assistance keeps
 * and decides on the whole grants (its own table, its own event stream); it publishes only the
 * windows of the grants in force and the id of the grant that changed (assistance.eligibility v2),
 * all that 大病's tilt needs; a grant revoked from a date, or amended, is a window with its new
 * terms, so every payer recalculates on the same days.
 */
@Injectable()
export class Grants {
  constructor(private readonly eligibility: EligibilityStore) {}

  async forPerson(tx: Pick<Tx, 'query'>, personId: string): Promise<GrantView[]> {
    const rows = await tx.query<GrantRow>(`SELECT ${COLUMNS} FROM grants WHERE person_id = $1 ORDER BY valid_from, grant_id`, [personId]);
    return this.views(tx, rows);
  }

  private async views(tx: Pick<Tx, 'query'>, rows: GrantRow[]): Promise<GrantView[]> {
    if (rows.length === 0) return [];
    const revisions = await tx.query<RevisionRow>(
      `SELECT ${REVISION_COLUMNS} FROM grant_revisions WHERE grant_id = ANY($1::text[]) ORDER BY grant_id, revision`,
      [rows.map((r) => r.grant_id)],
    );
    const history = new Map<string, GrantRevisionView[]>();
    for (const r of revisions) history.set(r.grant_id, [...(history.get(r.grant_id) ?? []), revisionView(r)]);
    return rows.map((r) => toView(r, history.get(r.grant_id) ?? []));
  }

  private async one(tx: Pick<Tx, 'query'>, grantId: string): Promise<GrantView> {
    const [row] = await tx.query<GrantRow>(`SELECT ${COLUMNS} FROM grants WHERE grant_id = $1`, [grantId]);
    return (await this.views(tx, [row]))[0];
  }

  async grant(tx: Tx, request: GrantRequestDto, now: Date, correlationId: string): Promise<{ grant: GrantView; created: boolean }> {
    const hash = contentHash(request);
    const revision = await this.nextRevision(tx, request.personId);
    const [existing] = await tx.query<GrantRow>(`SELECT ${COLUMNS} FROM grants WHERE grant_id = $1`, [request.grantId]);
    if (existing) {
      if (existing.content_hash !== hash) throw Problem.conflict(`grant ${request.grantId} already exists with different content`);
      return { grant: (await this.views(tx, [existing]))[0], created: false };
    }
    await tx.execute(
      'INSERT INTO grants (grant_id, person_id, category, valid_from, valid_to, content_hash, granted_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [request.grantId, request.personId, request.category, request.validFrom, request.validTo ?? null, hash, now],
    );
    await this.recordRevision(tx, request.grantId, 1, 'GRANTED', request, now);
    await this.publish(
      tx,
      request.personId,
      revision,
      request.grantId,
      { type: 'assistance.EligibilityGranted', recorded: 'EligibilityGranted', detail: {} },
      now,
      correlationId,
    );
    return { grant: await this.one(tx, request.grantId), created: true };
  }

  /**
   * Revoke a live grant: from `effectiveFrom` (the grant ends the day before; claims before it keep
   * their assistance, later ones are clawed back, 追回) or, without it, from its start (void).
   * Unknown: 404; revoked or void already: 409; then every problem of the body at once: 400.
   */
  async revoke(
    tx: Tx,
    grantId: string,
    request: Parsed<{ reason: string; effectiveFrom?: string }>,
    effectiveFrom: string | undefined,
    now: Date,
    correlationId: string,
  ): Promise<GrantView> {
    const grant = await this.locked(tx, grantId);
    const problems = [...request.problems, ...revocationProblems(grant.state, effectiveFrom)];
    if (!request.ok || problems.length > 0) throw invalid(problems);
    const { reason } = request.value;
    const terms = revokedTerms(grant.state, request.value.effectiveFrom);
    const next = grant.state.revision + 1;
    const dated = request.value.effectiveFrom;
    await tx.execute(
      `UPDATE grants SET revoked = true, revoked_reason = $2, revoked_at = $3, revoked_from = $4, valid_to = $5, revision = $6 WHERE grant_id = $1`,
      [grantId, reason, now, dated ?? null, terms.validTo ?? null, next],
    );
    await this.recordRevision(tx, grantId, next, dated ? 'REVOKED' : 'VOIDED', terms, now, { reason, effectiveFrom: dated });
    await this.publish(
      tx,
      grant.state.personId,
      grant.eligibilityRevision,
      grantId,
      {
        type: 'assistance.EligibilityRevoked',
        recorded: 'EligibilityRevoked',
        detail: { reason, ...(dated ? { effectiveFrom: dated } : {}) },
      },
      now,
      correlationId,
    );
    return this.one(tx, grantId);
  }

  /**
   * Amend a live grant (a new validTo, a new category): its next revision, and the payers
   * recalculate on the new terms. An amendment that changes nothing answers the grant as it is
   * (a repeated PATCH); otherwise `If-Match` (when sent) must name the grant's current revision (409).
   */
  async amend(
    tx: Tx,
    grantId: string,
    request: Parsed<GrantAmendment>,
    validTo: string | undefined,
    expectedRevision: number | undefined,
    now: Date,
    correlationId: string,
  ): Promise<{ grant: GrantView; changed: boolean }> {
    const grant = await this.locked(tx, grantId);
    const problems = [...request.problems, ...amendmentProblems(grant.state, validTo)];
    if (!request.ok || problems.length > 0) throw invalid(problems);
    const terms = amendedTerms(grant.state, request.value);
    if (terms === undefined) return { grant: await this.one(tx, grantId), changed: false };
    if (expectedRevision !== undefined && expectedRevision !== grant.state.revision)
      throw Problem.conflict(
        `grant ${grantId} is at revision ${grant.state.revision}, not ${expectedRevision}; read it again and resubmit`,
      );
    const next = grant.state.revision + 1;
    await tx.execute('UPDATE grants SET category = $2, valid_to = $3, revision = $4, amended_at = $5 WHERE grant_id = $1', [
      grantId,
      terms.category,
      terms.validTo ?? null,
      next,
      now,
    ]);
    await this.recordRevision(tx, grantId, next, 'AMENDED', terms, now);
    const change = amendmentChange(grant.state, terms);
    await this.publish(
      tx,
      grant.state.personId,
      grant.eligibilityRevision,
      grantId,
      change === 'ELIGIBILITY_REVOKED'
        ? { type: 'assistance.EligibilityRevoked', recorded: 'EligibilityAmended', detail: { revision: next } }
        : { type: 'assistance.EligibilityGranted', recorded: 'EligibilityAmended', detail: { revision: next } },
      now,
      correlationId,
    );
    return { grant: await this.one(tx, grantId), changed: true };
  }

  /**
   * The grant with its person's row held (every change of a person's eligibility takes it, so
   * this is the grant as the change will find it) and the eligibility revision the change will
   * have: unknown 404, not live 409.
   */
  private async locked(tx: Tx, grantId: string): Promise<{ state: GrantState; eligibilityRevision: number }> {
    const [found] = await tx.query<{ person_id: string }>('SELECT person_id FROM grants WHERE grant_id = $1', [grantId]);
    if (!found) throw Problem.notFound(`grant ${grantId} is unknown`);
    const eligibilityRevision = await this.nextRevision(tx, found.person_id);
    const [row] = await tx.query<GrantRow>(`SELECT ${COLUMNS} FROM grants WHERE grant_id = $1`, [grantId]);
    const state = stateOf(row);
    const notLive = notLiveReason(state);
    if (notLive) throw Problem.conflict(notLive);
    return { state, eligibilityRevision };
  }

  private async recordRevision(
    tx: Tx,
    grantId: string,
    revision: number,
    change: GrantChange,
    terms: GrantTerms,
    at: Date,
    revocation: { reason?: string; effectiveFrom?: string } = {},
  ): Promise<void> {
    await tx.execute(
      `INSERT INTO grant_revisions (grant_id, revision, change, category, valid_from, valid_to, revoked_from, reason, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        grantId,
        revision,
        change,
        terms.category,
        terms.validFrom,
        terms.validTo ?? null,
        revocation.effectiveFrom ?? null,
        revocation.reason ?? null,
        at,
      ],
    );
  }

  /** Lock the person's row and return the revision the change will have. */
  private async nextRevision(tx: Tx, personId: string): Promise<number> {
    await tx.execute('INSERT INTO persons (person_id) VALUES ($1) ON CONFLICT DO NOTHING', [personId]);
    const [row] = await tx.query<{ eligibility_revision: number }>(
      'SELECT eligibility_revision FROM persons WHERE person_id = $1 FOR UPDATE',
      [personId],
    );
    return row.eligibility_revision + 1;
  }

  private async publish(
    tx: Tx,
    personId: string,
    revision: number,
    grantId: string,
    change: Change,
    now: Date,
    correlationId: string,
  ): Promise<void> {
    const rows = await tx.query<GrantRow>(`SELECT ${COLUMNS} FROM grants WHERE person_id = $1 ORDER BY valid_from, grant_id`, [personId]);
    const spans = rows.map((r) => spanOf(stateOf(r)));
    // the person's row is held FOR UPDATE since nextRevision: this revision is the newer one
    if (!(await this.eligibility.record(tx, personId, revision, spans)))
      throw new Error(`eligibility revision ${revision} of ${personId} is not newer than the recorded one`);
    const published = { personId, eligibilityRevision: revision, grantId, windows: eligibilityWindows(spans) };
    const message = envelope({
      type: change.type,
      version: EVENT_TYPES[change.type].version,
      source: SOURCE,
      subject: personId,
      data: published,
      time: now,
      correlationId,
    });
    // civil affairs' own record of the change keeps the whole grants, the reason and the date
    const grants = await this.views(tx, rows);
    await appendToStream(tx, `assistance-person:${personId}`, revision - 1, [
      {
        type: change.recorded,
        data: { personId, eligibilityRevision: revision, grantId, grants, ...change.detail },
        eventId: message.id,
        metadata: { correlationId },
      },
    ]);
    await enqueue(tx, [{ topic: TOPICS.assistanceEligibility, key: personId, envelope: message }]);
  }
}

function invalid(problems: FieldProblem[]): Problem {
  return Problem.invalid(`The request has ${problems.length} problem${problems.length === 1 ? '' : 's'}`, problems);
}
