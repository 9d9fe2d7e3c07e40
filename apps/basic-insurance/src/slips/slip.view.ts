import { Inject, Injectable } from '@nestjs/common';
import { money, print, sum, ZERO } from '@msb/money';
import { Caller, ClaimOwner, maySeeClaim, Problem, recordAccess, RUNTIME, ServiceRuntime } from '@msb/platform';
import { conservationProblems } from '@msb/settlement';
import type { BasicFigures } from './slip.projection';
import { pendingShares } from './pending-shares.rules';

export type SlipStatus = 'PENDING' | 'SETTLED' | 'REVERSED';

export interface Adjustment {
  payer: 'basic' | 'criticalIllness' | 'assistance';
  version: number;
  amount: string;
  reason: string;
  at: string;
}

/** An item the catalogue does not list: paid as 丙类, wholly self-paid (reason NOT_IN_CATALOGUE). */
export interface UnlistedItem {
  code: string;
  amount: string;
  reason: 'NOT_IN_CATALOGUE';
}

/** 一站式结算单: what each payer has paid on the claim, adjustments included. */
export interface Slip {
  claimId: string;
  personId: string;
  region: string;
  year: number;
  version: number;
  status: SlipStatus;
  total: string;
  policyScope: string;
  basic: string;
  criticalIllness: string;
  assistance: string;
  selfPay: string;
  /** 全自费: the items outside basic scope (丙类 and codes the catalogue does not list). */
  outOfScope: string;
  /** The deductible (起付线) the claim bore. */
  deductiblePaid: string;
  notInCatalogue: UnlistedItem[];
  adjustments: Adjustment[];
}

export interface Ledger {
  region: string;
  personId: string;
  year: number;
  basic: string;
  criticalIllness: string;
  assistance: string;
  total: string;
  selfPay: string;
  tilted: boolean;
  assistanceCategory: string | null;
  settled: boolean;
  claims: Slip[];
}

/** A claims row joined with its person-year's slip revisions (SLIP_COLUMNS from SLIP_FROM). */
export interface SlipRow {
  claim_id: string;
  person_id: string;
  region: string;
  year: number;
  version: number;
  status: 'LIVE' | 'REVERSED';
  total: string;
  policy_scope: string;
  basic: string;
  critical_illness: string;
  assistance: string;
  basic_revision: number;
  ci_revision: number;
  ci_basic_revision: number;
  assistance_basic_revision: number;
  assistance_ci_revision: number;
  tilted: boolean;
  assistance_category: string | null;
  basic_figures: BasicFigures | null;
}

export const SLIP_COLUMNS = `c.claim_id, c.person_id, c.region, c.year, c.version, c.status, c.total::text, c.policy_scope::text,
  c.basic::text, c.critical_illness::text, c.assistance::text, p.basic_revision, p.ci_revision, p.ci_basic_revision,
  p.assistance_basic_revision, p.assistance_ci_revision, p.tilted, p.assistance_category, c.basic_figures`;

/** Each claim with the revisions its person-year's slip shows. */
export const SLIP_FROM = 'claims c JOIN slip_person_years p USING (stream_id)';

/**
 * A person-year is settled when 大病 decided on basic's latest revision and assistance
 * decided on that same 大病 decision: all three payers have then decided on the latest
 * version of every claim, and their amounts belong together.
 */
function personYearSettled(r: SlipRow): boolean {
  return (
    r.ci_basic_revision === r.basic_revision &&
    r.assistance_basic_revision === r.basic_revision &&
    r.assistance_ci_revision === r.ci_revision
  );
}

/** The same rule over a slip_person_years row `p`, in SQL. */
export const PERSON_YEAR_SETTLED_SQL =
  'p.ci_basic_revision = p.basic_revision AND p.assistance_basic_revision = p.basic_revision AND p.assistance_ci_revision = p.ci_revision';

@Injectable()
export class SlipView {
  constructor(@Inject(RUNTIME) private readonly runtime: ServiceRuntime) {}

  /** The slip of a row, with the adjustments given (a list of slips shows none). */
  toSlip(r: SlipRow, adjustments: Adjustment[]): Slip {
    const settled = personYearSettled(r);
    const live = r.status === 'LIVE';
    const total = money(r.total);
    const status: SlipStatus = !settled ? 'PENDING' : live ? 'SETTLED' : 'REVERSED';
    // settled: the payers' own figures; pending: no payer above what those before it left (pendingShares)
    const own = { basic: money(r.basic), criticalIllness: money(r.critical_illness), assistance: money(r.assistance) };
    const { basic, criticalIllness, assistance, selfPay } = settled
      ? { ...own, selfPay: total.minus(own.basic).minus(own.criticalIllness).minus(own.assistance) }
      : pendingShares(total, own.basic, own.criticalIllness, own.assistance);
    if (status === 'SETTLED') {
      const problems = conservationProblems({ claimId: r.claim_id, total, basic, criticalIllness, assistance, selfPay });
      if (problems.length > 0) this.runtime.log.error({ claimId: r.claim_id, problems }, 'conservation violated on a settled slip');
    }
    return {
      claimId: r.claim_id,
      personId: r.person_id,
      region: r.region,
      year: r.year,
      version: r.version,
      status,
      total: print(total),
      policyScope: print(money(r.policy_scope)),
      basic: print(basic),
      criticalIllness: print(criticalIllness),
      assistance: print(assistance),
      selfPay: print(selfPay),
      outOfScope: r.basic_figures?.outOfScope ?? '0.00',
      deductiblePaid: r.basic_figures?.deductiblePaid ?? '0.00',
      notInCatalogue: (r.basic_figures?.notInCatalogue ?? []).map((i) => ({ ...i, reason: 'NOT_IN_CATALOGUE' as const })),
      adjustments,
    };
  }

  private async adjustments(claimIds: string[]): Promise<Map<string, Adjustment[]>> {
    const rows = await this.runtime.db.query<{
      claim_id: string;
      payer: Adjustment['payer'];
      version: number;
      amount: string;
      reason: string;
      at: Date;
    }>('SELECT claim_id, payer, version, amount::text, reason, at FROM adjustments WHERE claim_id = ANY($1::text[]) ORDER BY id', [
      claimIds,
    ]);
    const byClaim = new Map<string, Adjustment[]>();
    for (const r of rows) {
      const list = byClaim.get(r.claim_id) ?? [];
      list.push({ payer: r.payer, version: r.version, amount: print(money(r.amount)), reason: r.reason, at: r.at.toISOString() });
      byClaim.set(r.claim_id, list);
    }
    return byClaim;
  }

  /**
   * The slip as `caller` may see it, recorded in the access log first (`action`: the route): a
   * hospital its own claims, an officer those of its regions; to anyone else the claim does not exist (404).
   */
  async shownTo(caller: Caller, claimId: string, action: string, correlationId: string): Promise<Slip> {
    const owner = await this.owner(claimId);
    const slip = owner && maySeeClaim(caller, owner) ? await this.slip(claimId) : undefined;
    if (!slip) throw Problem.notFound(`claim ${claimId} is unknown`);
    await recordAccess(this.runtime.db, caller, { action, resource: `claim:${claimId}`, personId: slip.personId, correlationId });
    return slip;
  }

  /** Whose claim it is and where: what decides who may see it. */
  async owner(claimId: string): Promise<ClaimOwner | undefined> {
    const [row] = await this.runtime.db.query<{ hospital_id: string; region: string }>(
      'SELECT hospital_id, region FROM claims WHERE claim_id = $1',
      [claimId],
    );
    return row && { hospitalId: row.hospital_id, region: row.region };
  }

  async slip(claimId: string): Promise<Slip | undefined> {
    const [row] = await this.runtime.db.query<SlipRow>(`SELECT ${SLIP_COLUMNS} FROM ${SLIP_FROM} WHERE c.claim_id = $1`, [claimId]);
    if (!row) return undefined;
    const adjustments = await this.adjustments([claimId]);
    return this.toSlip(row, adjustments.get(claimId) ?? []);
  }

  async statuses(claimIds: string[]): Promise<Map<string, { version: number; status: SlipStatus }>> {
    const rows = await this.runtime.db.query<SlipRow>(`SELECT ${SLIP_COLUMNS} FROM ${SLIP_FROM} WHERE c.claim_id = ANY($1::text[])`, [
      [...new Set(claimIds)],
    ]);
    return new Map(rows.map((r) => [r.claim_id, { version: r.version, status: this.toSlip(r, []).status }]));
  }

  async ledger(region: string, personId: string, year: number): Promise<Ledger | undefined> {
    const rows = await this.runtime.db.query<SlipRow>(
      `SELECT ${SLIP_COLUMNS} FROM ${SLIP_FROM}
       WHERE c.region = $1 AND c.person_id = $2 AND c.year = $3 ORDER BY c.service_date, c.claim_id`,
      [region, personId, year],
    );
    if (rows.length === 0) return undefined;
    const adjustments = await this.adjustments(rows.map((r) => r.claim_id));
    const claims = rows.map((r) => this.toSlip(r, adjustments.get(r.claim_id) ?? []));
    const live = claims.filter((_, i) => rows[i].status === 'LIVE');
    const total = (f: (s: Slip) => string) => print(live.length ? sum(live.map((s) => money(f(s)))) : ZERO);
    return {
      region,
      personId,
      year,
      basic: total((s) => s.basic),
      criticalIllness: total((s) => s.criticalIllness),
      assistance: total((s) => s.assistance),
      total: total((s) => s.total),
      selfPay: total((s) => s.selfPay),
      tilted: rows[0].tilted,
      assistanceCategory: rows[0].assistance_category,
      settled: personYearSettled(rows[0]),
      claims,
    };
  }
}
