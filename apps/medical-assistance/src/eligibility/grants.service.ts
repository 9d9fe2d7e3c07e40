import { Injectable } from '@nestjs/common';
import { Category, contentHash, eligibilityWindows, EVENT_TYPES, GrantDto, GrantRequestDto, TOPICS } from '@msb/contracts';
import { appendToStream, enqueue, envelope, Tx } from '@msb/eventing';
import { EligibilityStore, Problem } from '@msb/platform';
import { grantFromWire } from '@msb/settlement';
import { SOURCE } from '../person-years/assistance-person-year.repository';

interface GrantRow {
  grant_id: string;
  person_id: string;
  category: Category;
  valid_from: string;
  valid_to: string | null;
  revoked: boolean;
  revoked_reason: string | null;
  content_hash: string;
  granted_at: Date;
  revoked_at: Date | null;
}

const COLUMNS = `grant_id, person_id, category, to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_to, 'YYYY-MM-DD') AS valid_to,
  revoked, revoked_reason, content_hash, granted_at, revoked_at`;

function toDto(r: GrantRow): GrantDto {
  return {
    grantId: r.grant_id,
    personId: r.person_id,
    category: r.category,
    validFrom: r.valid_from,
    ...(r.valid_to ? { validTo: r.valid_to } : {}),
    revoked: r.revoked,
    ...(r.revoked_reason ? { revokedReason: r.revoked_reason } : {}),
    grantedAt: r.granted_at.toISOString(),
    ...(r.revoked_at ? { revokedAt: r.revoked_at.toISOString() } : {}),
  };
}

/**
 * Eligibility (救助对象认定) as civil affairs records it: grants and revocations, each a new
 * eligibility revision of the person. Assistance keeps and decides on the whole grants (its
 * own table, its own event stream); it publishes only the windows of the grants in force and
 * the id of the grant that changed (assistance.eligibility v2), all that 大病's tilt needs.
 */
@Injectable()
export class Grants {
  constructor(private readonly eligibility: EligibilityStore) {}

  async forPerson(tx: Pick<Tx, 'query'>, personId: string): Promise<GrantDto[]> {
    const rows = await tx.query<GrantRow>(`SELECT ${COLUMNS} FROM grants WHERE person_id = $1 ORDER BY valid_from, grant_id`, [personId]);
    return rows.map(toDto);
  }

  async grant(tx: Tx, request: GrantRequestDto, now: Date, correlationId: string): Promise<{ grant: GrantDto; created: boolean }> {
    const hash = contentHash(request);
    const revision = await this.nextRevision(tx, request.personId);
    const [existing] = await tx.query<GrantRow>(`SELECT ${COLUMNS} FROM grants WHERE grant_id = $1`, [request.grantId]);
    if (existing) {
      if (existing.content_hash !== hash) throw Problem.conflict(`grant ${request.grantId} already exists with different content`);
      return { grant: toDto(existing), created: false };
    }
    await tx.execute(
      'INSERT INTO grants (grant_id, person_id, category, valid_from, valid_to, content_hash, granted_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [request.grantId, request.personId, request.category, request.validFrom, request.validTo ?? null, hash, now],
    );
    await this.publish(
      tx,
      request.personId,
      revision,
      { type: 'assistance.EligibilityGranted', grantId: request.grantId },
      now,
      correlationId,
    );
    const [row] = await tx.query<GrantRow>(`SELECT ${COLUMNS} FROM grants WHERE grant_id = $1`, [request.grantId]);
    return { grant: toDto(row), created: true };
  }

  async revoke(tx: Tx, grantId: string, reason: string, now: Date, correlationId: string): Promise<GrantDto> {
    const [existing] = await tx.query<GrantRow>(`SELECT ${COLUMNS} FROM grants WHERE grant_id = $1`, [grantId]);
    if (!existing) throw Problem.notFound(`grant ${grantId} is unknown`);
    const revision = await this.nextRevision(tx, existing.person_id);
    const [locked] = await tx.query<GrantRow>(`SELECT ${COLUMNS} FROM grants WHERE grant_id = $1`, [grantId]);
    if (locked.revoked) throw Problem.conflict(`grant ${grantId} is already revoked`);
    await tx.execute('UPDATE grants SET revoked = true, revoked_reason = $2, revoked_at = $3 WHERE grant_id = $1', [grantId, reason, now]);
    await this.publish(tx, existing.person_id, revision, { type: 'assistance.EligibilityRevoked', grantId, reason }, now, correlationId);
    const [row] = await tx.query<GrantRow>(`SELECT ${COLUMNS} FROM grants WHERE grant_id = $1`, [grantId]);
    return toDto(row);
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
    change:
      | { type: 'assistance.EligibilityGranted'; grantId: string }
      | { type: 'assistance.EligibilityRevoked'; grantId: string; reason: string },
    now: Date,
    correlationId: string,
  ): Promise<void> {
    const grants = await this.forPerson(tx, personId);
    // the person's row is held FOR UPDATE since nextRevision: this revision is the newer one
    if (!(await this.eligibility.record(tx, personId, revision, grants.map(grantFromWire))))
      throw new Error(`eligibility revision ${revision} of ${personId} is not newer than the recorded one`);
    const { type, ...rest } = change;
    const published = { personId, eligibilityRevision: revision, grantId: change.grantId, windows: eligibilityWindows(grants) };
    const message = envelope({
      type,
      version: EVENT_TYPES[type].version,
      source: SOURCE,
      subject: personId,
      data: published,
      time: now,
      correlationId,
    });
    // civil affairs' own record of the change keeps the whole grants and the reason
    await appendToStream(tx, `assistance-person:${personId}`, revision - 1, [
      {
        type: type === 'assistance.EligibilityGranted' ? 'EligibilityGranted' : 'EligibilityRevoked',
        data: { personId, eligibilityRevision: revision, grants, ...rest },
        eventId: message.id,
        metadata: { correlationId },
      },
    ]);
    await enqueue(tx, [{ topic: TOPICS.assistanceEligibility, key: personId, envelope: message }]);
  }
}
