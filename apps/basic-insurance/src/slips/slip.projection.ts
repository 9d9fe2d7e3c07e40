import { contentHash, Payer, sameJson } from '@msb/contracts';
import type { Tx } from '@msb/eventing';
import type { Decided } from '@msb/platform';
import { money, print, sum } from '@msb/money';
import type { BasicEvent, BasicPersonYearState } from '../person-years/basic-person-year.decider';
import { streamIdOf } from '../person-years/basic-person-year.stream';

/**
 * The slip read model (一站式结算单) is owned here: table claims (one row per claim, what each
 * payer pays), slip_person_years (which revision of each payer the slip shows) and adjustments
 * (the history of 补付 / 追回). Basic writes its side below; downstream.projection.ts writes
 * 大病's and assistance's; slip.view.ts reads.
 */

/** A claim's row in table claims, as the intake reads it back. */
export interface ClaimRow {
  claim_id: string;
  stream_id: string;
  region: string;
  person_id: string;
  year: number;
  version: number;
  status: 'LIVE' | 'REVERSED';
  hospital_id: string;
  first_hash: string;
  latest_hash: string;
}

/** The Postgres element type of each field of a row; every field is a column. */
export type ColumnTypes<R> = { [K in keyof R]-?: string };

const snakeCase = (field: string): string => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Rows as one `unnest($1::text[], …) AS x(claim_id, …)`: an array parameter per field, each
 * column named after its field in snake_case, in the order of `types`.
 */
export function unnest<R>(rows: readonly R[], types: ColumnTypes<R>): { from: string; columns: string[]; params: unknown[][] } {
  const fields = Object.keys(types) as (keyof R & string)[];
  const columns = fields.map(snakeCase);
  return {
    from: `unnest(${fields.map((f, i) => `$${i + 1}::${types[f]}[]`).join(', ')}) AS x(${columns.join(', ')})`,
    columns,
    params: fields.map((f) => rows.map((r) => r[f])),
  };
}

/** One change of a payer's amount on a claim (补付 when positive, 追回 when negative). */
export interface AdjustmentRow {
  claimId: string;
  payer: Payer;
  version: number;
  amount: string;
  reason: string;
  at: Date;
}

const ADJUSTMENT_TYPES: ColumnTypes<AdjustmentRow> = {
  claimId: 'text',
  payer: 'text',
  version: 'int',
  amount: 'numeric',
  reason: 'text',
  at: 'timestamptz',
};

/** Append to the adjustment history; it is shown in the order recorded. */
export async function recordAdjustments(tx: Tx, adjustments: AdjustmentRow[]): Promise<void> {
  if (adjustments.length === 0) return;
  const { from, params } = unnest(adjustments, ADJUSTMENT_TYPES);
  await tx.execute(
    `INSERT INTO adjustments (claim_id, payer, version, amount, reason, at) SELECT claim_id, payer, version, amount, reason, at FROM ${from}`,
    params,
  );
}

/** Basic's latest decision on a person-year, as the slip shows it. */
interface BasicPersonYearShown {
  streamId: string;
  region: string;
  personId: string;
  year: number;
  basicRevision: number;
}

const PERSON_YEAR_TYPES: ColumnTypes<BasicPersonYearShown> = {
  streamId: 'text',
  region: 'text',
  personId: 'text',
  year: 'int',
  basicRevision: 'int',
};

/** A claim's latest version and what basic pays on it. */
interface BasicClaimShown {
  claimId: string;
  streamId: string;
  region: string;
  personId: string;
  year: number;
  version: number;
  status: 'LIVE' | 'REVERSED';
  serviceDate: string;
  visitType: string;
  /** The hospital whose claim it is (only it may write and read it). */
  hospitalId: string;
  total: string;
  /** 政策范围内: null when basic no longer decides the claim; the slip then keeps the last one. */
  policyScope: string | null;
  basic: string;
  /** BasicFigures as JSON: null when basic no longer decides the claim (the slip then keeps the last ones). */
  figures: string | null;
  hash: string;
}

/** What the slip shows of basic's figures beyond the amounts (2304's 全自费 and 起付线, and the items not in the catalogue). */
export interface BasicFigures {
  outOfScope: string;
  deductiblePaid: string;
  notInCatalogue: { code: string; amount: string }[];
}

const CLAIM_TYPES: ColumnTypes<BasicClaimShown> = {
  claimId: 'text',
  streamId: 'text',
  region: 'text',
  personId: 'text',
  year: 'int',
  version: 'int',
  status: 'text',
  serviceDate: 'date',
  visitType: 'text',
  hospitalId: 'text',
  total: 'numeric',
  policyScope: 'numeric',
  basic: 'numeric',
  figures: 'jsonb',
  hash: 'text',
};

function figuresOf(d: BasicPersonYearState['decided'][number]): BasicFigures {
  const unlisted = new Set(d.notInCatalogue ?? []);
  return {
    outOfScope: d.outOfScope ?? '0.00',
    deductiblePaid: d.deductiblePaid ?? '0.00',
    notInCatalogue: (d.outOfScopeItems ?? []).filter((i) => unlisted.has(i.code)),
  };
}

/**
 * The claims whose row changes between two states of a person-year: a claim new or of another
 * version or status, decided otherwise, or paid otherwise. The others' rows already show them
 * (each row is written whenever its claim changes), so a year's 1,000th claim writes its own
 * row and the few it moved, not 1,000 rows.
 */
function claimsChanged(before: BasicPersonYearState, after: BasicPersonYearState): Set<string> {
  const decidedBefore = new Map(before.decided.map((d) => [d.claimId, d]));
  const changed = new Set<string>();
  for (const d of after.decided) if (!sameJson(decidedBefore.get(d.claimId), d)) changed.add(d.claimId);
  for (const [claimId, record] of Object.entries(after.claims)) {
    const was = before.claims[claimId];
    if (!was || was.version !== record.version || was.status !== record.status) changed.add(claimId);
    if (before.paid[claimId]?.paid !== after.paid[claimId]?.paid) changed.add(claimId);
  }
  return changed;
}

function claimsShown(state: BasicPersonYearState, only: Set<string>): BasicClaimShown[] {
  const decided = new Map(state.decided.map((d) => [d.claimId, d]));
  return Object.values(state.claims)
    .filter((record) => only.has(record.claim.claimId))
    .map((record) => {
      const d = decided.get(record.claim.claimId);
      return {
        claimId: record.claim.claimId,
        streamId: streamIdOf(state.key),
        region: state.key.region,
        personId: state.key.personId,
        year: state.key.year,
        version: record.version,
        status: record.status,
        serviceDate: record.claim.serviceDate,
        visitType: record.claim.visitType,
        hospitalId: record.claim.hospital.id,
        total: print(sum(record.claim.items.map((i) => money(i.amount)))),
        policyScope: d && d.status === 'LIVE' ? d.policyScope : null,
        basic: state.paid[record.claim.claimId]?.paid ?? '0.00',
        figures: d && d.status === 'LIVE' ? JSON.stringify(figuresOf(d)) : null,
        hash: contentHash(record.claim),
      };
    });
}

/**
 * The basic side of the slip, written with basic's decisions in their transaction: each
 * person-year's basic revision, its claims, and every BasicAdjusted. A person-year decided
 * more than once in the batch is shown as it ended. slip_person_years is written before
 * claims, in stream_id order: the lock order of the downstream projection too.
 */
export async function projectBasicSlips(tx: Tx, touched: Decided<BasicPersonYearState, BasicEvent>[]): Promise<void> {
  if (touched.length === 0) return;
  const latest = [...new Map(touched.map((d) => [streamIdOf(d.state.key), d.state])).values()];
  // each person-year as it was before the batch's first decision on it, and as the batch left it
  const first = new Map<string, BasicPersonYearState>();
  for (const d of touched) {
    const streamId = streamIdOf(d.state.key);
    if (!first.has(streamId)) first.set(streamId, d.before);
  }

  const personYears = unnest(
    latest.map(({ key, revision }): BasicPersonYearShown => ({
      streamId: streamIdOf(key),
      region: key.region,
      personId: key.personId,
      year: key.year,
      basicRevision: revision,
    })),
    PERSON_YEAR_TYPES,
  );
  await tx.execute(
    `INSERT INTO slip_person_years (stream_id, region, person_id, year, basic_revision)
     SELECT stream_id, region, person_id, year, basic_revision FROM ${personYears.from} ORDER BY stream_id
     ON CONFLICT (stream_id) DO UPDATE SET basic_revision = EXCLUDED.basic_revision`,
    personYears.params,
  );

  const claims = unnest(
    latest.flatMap((state) => claimsShown(state, claimsChanged(first.get(streamIdOf(state.key))!, state))),
    CLAIM_TYPES,
  );
  await tx.execute(
    `INSERT INTO claims (claim_id, stream_id, region, person_id, year, version, status, service_date, visit_type, hospital_id, total, policy_scope, basic, basic_figures, first_hash, latest_hash)
     SELECT claim_id, stream_id, region, person_id, year, version, status, service_date, visit_type, hospital_id, total, coalesce(policy_scope, 0), basic, figures, hash, hash
     FROM ${claims.from}
     ON CONFLICT (claim_id) DO UPDATE SET
       version = EXCLUDED.version, status = EXCLUDED.status, service_date = EXCLUDED.service_date, visit_type = EXCLUDED.visit_type,
       hospital_id = EXCLUDED.hospital_id,
       total = EXCLUDED.total, policy_scope = CASE WHEN EXCLUDED.status = 'LIVE' THEN EXCLUDED.policy_scope ELSE claims.policy_scope END,
       basic = EXCLUDED.basic, basic_figures = coalesce(EXCLUDED.basic_figures, claims.basic_figures), latest_hash = EXCLUDED.latest_hash, updated_at = now()`,
    claims.params,
  );

  await recordAdjustments(
    tx,
    touched.flatMap(({ events, at }) =>
      events.flatMap((e): AdjustmentRow[] =>
        e.type === 'BasicAdjusted'
          ? [{ claimId: e.data.claimId, payer: 'basic', version: e.data.version, amount: e.data.amount, reason: e.data.reason, at }]
          : [],
      ),
    ),
  );
}
