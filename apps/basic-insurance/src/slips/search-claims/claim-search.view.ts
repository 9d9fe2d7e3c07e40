import { Inject, Injectable } from '@nestjs/common';
import { RUNTIME, ServiceRuntime } from '@msb/platform';
import { PERSON_YEAR_SETTLED_SQL, Slip, SLIP_COLUMNS, SLIP_FROM, SlipRow, SlipStatus, SlipView } from '../slip.view';
import { ClaimSearch, page, SearchScope, SortKey } from './claim-search.params';

/** A claim in a list: ids, dates, status and the payers' figures as its slip shows them; no diagnosis, no item, no category. */
export type ClaimListed = Omit<Slip, 'notInCatalogue' | 'adjustments'> & {
  hospitalId: string;
  serviceDate: string;
  receivedAt: string;
};

interface SearchRow extends SlipRow {
  hospital_id: string;
  service_date: string;
  submitted_at: Date;
  received_key: string;
}

const COLUMNS = `${SLIP_COLUMNS}, c.hospital_id, to_char(c.service_date, 'YYYY-MM-DD') AS service_date, c.submitted_at,
  to_char(c.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS received_key`;

/** The slip's status (slip.view.ts) as a condition on claims c and slip_person_years p. */
const STATUS_SQL: Record<SlipStatus, string> = {
  PENDING: `NOT (${PERSON_YEAR_SETTLED_SQL})`,
  SETTLED: `c.status = 'LIVE' AND ${PERSON_YEAR_SETTLED_SQL}`,
  REVERSED: `c.status = 'REVERSED' AND ${PERSON_YEAR_SETTLED_SQL}`,
};

const keyOf = (r: SearchRow): SortKey => ({ receivedAt: r.received_key, claimId: r.claim_id });

/**
 * The claims search (GET /claims), a keyset scan in (submitted_at, claim_id) order: each page
 * starts after the cursor's key and reads limit + 1 rows (the one more says whether a page
 * follows). A hospital's scan runs on claims_hospital_received, a person's on
 * claims_person_received; an officer's is one scan of claims_region_received per region it
 * acts in (every region with a basic policy when its token names none: no claim is taken
 * without one), merged. Claims received while a caller pages may land on a page it has passed.
 */
@Injectable()
export class ClaimSearchView {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly slips: SlipView,
  ) {}

  async search(scope: SearchScope, q: ClaimSearch, limit: number): Promise<{ items: ClaimListed[]; nextCursor: string | null }> {
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where: string[] = [];
    if (scope.hospitalId !== undefined) where.push(`c.hospital_id = ${param(scope.hospitalId)}`);
    if (q.personId !== undefined) where.push(`c.person_id = ${param(q.personId)}`);
    // received on or after the day from (UTC), before the day after to
    if (q.from !== undefined) where.push(`c.submitted_at >= (${param(q.from)}::date)::timestamp AT TIME ZONE 'UTC'`);
    if (q.to !== undefined) where.push(`c.submitted_at < (${param(q.to)}::date + 1)::timestamp AT TIME ZONE 'UTC'`);
    if (q.cursor !== undefined)
      where.push(`(c.submitted_at, c.claim_id) > (${param(q.cursor.receivedAt)}::timestamptz, ${param(q.cursor.claimId)}::text)`);
    if (q.status !== undefined) where.push(STATUS_SQL[q.status]);
    const take = param(limit + 1);
    const order = 'ORDER BY c.submitted_at, c.claim_id';

    const byRegion = scope.regions !== undefined || (scope.hospitalId === undefined && q.personId === undefined);
    let sql: string;
    if (!byRegion) {
      sql = `SELECT ${COLUMNS} FROM ${SLIP_FROM} WHERE ${where.join(' AND ') || 'true'} ${order} LIMIT ${take}`;
    } else {
      const regions =
        scope.regions !== undefined
          ? `unnest(${param([...scope.regions])}::text[]) AS r(region)`
          : '(SELECT DISTINCT region FROM policies) AS r';
      sql = `SELECT x.* FROM ${regions} CROSS JOIN LATERAL (
               SELECT ${COLUMNS} FROM ${SLIP_FROM} WHERE ${['c.region = r.region', ...where].join(' AND ')} ${order} LIMIT ${take}
             ) x ORDER BY x.submitted_at, x.claim_id LIMIT ${take}`;
    }
    const rows = await this.runtime.db.query<SearchRow>(sql, params);
    const { items, nextCursor } = page(rows, limit, keyOf);
    return { items: items.map((r) => this.listed(r)), nextCursor };
  }

  private listed(r: SearchRow): ClaimListed {
    const slip = this.slips.toSlip(r, []);
    return {
      claimId: slip.claimId,
      personId: slip.personId,
      region: slip.region,
      year: slip.year,
      version: slip.version,
      hospitalId: r.hospital_id,
      serviceDate: r.service_date,
      receivedAt: r.submitted_at.toISOString(),
      status: slip.status,
      total: slip.total,
      policyScope: slip.policyScope,
      basic: slip.basic,
      criticalIllness: slip.criticalIllness,
      assistance: slip.assistance,
      selfPay: slip.selfPay,
      outOfScope: slip.outOfScope,
      deductiblePaid: slip.deductiblePaid,
    };
  }
}
