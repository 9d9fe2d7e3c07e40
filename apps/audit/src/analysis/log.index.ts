import type {
  FundContractDto,
  AnyEnvelope,
  AssistancePersonYearDecided,
  AssistancePolicyDto,
  BasicCatalogueDto,
  BasicPersonYearDecided,
  BasicPolicyDto,
  ClaimDto,
  CriticalIllnessCatalogueDto,
  CriticalIllnessPersonYearDecided,
  CriticalIllnessPolicyDto,
  EligibilityWindowDto,
  HospitalRecordDto,
} from '@msb/contracts';
import { upcastEnvelope } from '@msb/contracts';
import type { Database } from '@msb/eventing';
import { DecisionOf, PersonYearViews } from './decision-views.fold';

/** Where an event sits in the log: the evidence a finding points to. */
export interface Evidence {
  eventId: string;
  seq: string;
  time: string;
}

export type Payer = 'basic' | 'criticalIllness' | 'assistance';

export interface RecordedDecision<T> extends Evidence {
  payer: Payer;
  data: T;
}

export interface ClaimFacts {
  versions: Map<number, ClaimDto & Evidence>;
  reversed?: Evidence & { version: number };
}

/**
 * Everything the log holds, indexed for re-deriving decisions and looking for patterns:
 * claim versions and reversals, policy revisions of the three sections, every eligibility
 * revision of every person, and every person-year decision of every payer as recorded (v2:
 * only the claims each changed; `views` folds them into whole decisions where one is needed).
 */
export interface LogIndex {
  events: number;
  lastSeq: string;
  claims: Map<string, ClaimFacts>;
  policies: {
    basic: Map<string, BasicPolicyDto>;
    criticalIllness: Map<string, CriticalIllnessPolicyDto>;
    assistance: Map<string, AssistancePolicyDto>;
  };
  /** Catalogue revisions of the region-years, keyed like policies. */
  catalogues: {
    basic: Map<string, BasicCatalogueDto>;
    criticalIllness: Map<string, CriticalIllnessCatalogueDto>;
  };
  /** 大病 contract revisions of the region-years (筹资标准), keyed like policies. */
  contracts: Map<string, FundContractDto>;
  /** The hospital registry: each revision's change, and every hospital's latest record. */
  hospitals: Map<number, { hospitalId: string; record: HospitalRecordDto }>;
  hospitalsNow: Map<string, HospitalRecordDto & { revision: number }>;
  /** personId → eligibility revision → the person's windows at that revision (v1 events upcast). */
  eligibility: Map<string, Map<number, EligibilityWindowDto[]>>;
  basic: Map<string, RecordedDecision<BasicPersonYearDecided>>;
  criticalIllness: Map<string, RecordedDecision<CriticalIllnessPersonYearDecided>>;
  assistance: Map<string, RecordedDecision<AssistancePersonYearDecided>>;
  /** Every decision of every payer in log order. */
  decisions: RecordedDecision<BasicPersonYearDecided | CriticalIllnessPersonYearDecided | AssistancePersonYearDecided>[];
  /** Each person-year's decisions of each payer, in log order. */
  personYears: Map<string, { [P in Payer]: RecordedDecision<DecisionOf[P]>[] }>;
}

export const policyKey = (region: string, year: number, revision: number) => `${region}|${year}|${revision}`;
export const personYearId = (k: { region: string; personId: string; year: number }) => `${k.region}|${k.personId}|${k.year}`;
export const decisionKey = (k: { region: string; personId: string; year: number }, revision: number) => `${personYearId(k)}#${revision}`;

export function emptyIndex(): LogIndex {
  return {
    events: 0,
    lastSeq: '0',
    claims: new Map(),
    policies: { basic: new Map(), criticalIllness: new Map(), assistance: new Map() },
    catalogues: { basic: new Map(), criticalIllness: new Map() },
    contracts: new Map(),
    hospitals: new Map(),
    hospitalsNow: new Map(),
    eligibility: new Map(),
    basic: new Map(),
    criticalIllness: new Map(),
    assistance: new Map(),
    decisions: [],
    personYears: new Map(),
  };
}

function ofPersonYear(index: LogIndex, personYear: string): { [P in Payer]: RecordedDecision<DecisionOf[P]>[] } {
  let decisions = index.personYears.get(personYear);
  if (!decisions) index.personYears.set(personYear, (decisions = { basic: [], criticalIllness: [], assistance: [] }));
  return decisions;
}

function claimFacts(index: LogIndex, claimId: string): ClaimFacts {
  let facts = index.claims.get(claimId);
  if (!facts) index.claims.set(claimId, (facts = { versions: new Map() }));
  return facts;
}

/** Fold one logged event into the index. */
export function indexEvent(index: LogIndex, e: AnyEnvelope, where: Evidence): void {
  index.events += 1;
  index.lastSeq = where.seq;
  switch (e.type) {
    case 'basic.ClaimSubmitted':
    case 'basic.ClaimCorrected':
      claimFacts(index, e.data.claim.claimId).versions.set(e.data.version, { ...e.data.claim, ...where });
      return;
    case 'basic.ClaimReversed':
      claimFacts(index, e.data.claimId).reversed = { ...where, version: e.data.version };
      return;
    case 'basic.PolicyRevised':
      index.policies.basic.set(policyKey(e.data.region, e.data.year, e.data.revision), e.data.policy);
      return;
    case 'critical-illness.PolicyRevised':
      index.policies.criticalIllness.set(policyKey(e.data.region, e.data.year, e.data.revision), e.data.policy);
      return;
    case 'assistance.PolicyRevised':
      index.policies.assistance.set(policyKey(e.data.region, e.data.year, e.data.revision), e.data.policy);
      return;
    case 'basic.CatalogueRevised':
      index.catalogues.basic.set(policyKey(e.data.region, e.data.year, e.data.revision), e.data.catalogue);
      return;
    case 'critical-illness.CatalogueRevised':
      index.catalogues.criticalIllness.set(policyKey(e.data.region, e.data.year, e.data.revision), e.data.catalogue);
      return;
    case 'basic.HospitalRegistered': {
      index.hospitals.set(e.data.revision, { hospitalId: e.data.hospitalId, record: e.data.hospital });
      const now = index.hospitalsNow.get(e.data.hospitalId);
      if (!now || now.revision < e.data.revision)
        index.hospitalsNow.set(e.data.hospitalId, { ...e.data.hospital, revision: e.data.revision });
      return;
    }
    case 'assistance.EligibilityGranted':
    case 'assistance.EligibilityRevoked': {
      let revisions = index.eligibility.get(e.data.personId);
      if (!revisions) index.eligibility.set(e.data.personId, (revisions = new Map()));
      revisions.set(e.data.eligibilityRevision, e.data.windows);
      return;
    }
    case 'basic.PersonYearDecided': {
      const d = { payer: 'basic' as const, data: e.data, ...where };
      index.basic.set(decisionKey(e.data.personYear, e.data.revision), d);
      index.decisions.push(d);
      ofPersonYear(index, personYearId(e.data.personYear)).basic.push(d);
      return;
    }
    case 'critical-illness.PersonYearDecided': {
      const d = { payer: 'criticalIllness' as const, data: e.data, ...where };
      index.criticalIllness.set(decisionKey(e.data.personYear, e.data.revision), d);
      index.decisions.push(d);
      ofPersonYear(index, personYearId(e.data.personYear)).criticalIllness.push(d);
      return;
    }
    case 'assistance.PersonYearDecided': {
      const d = { payer: 'assistance' as const, data: e.data, ...where };
      index.assistance.set(decisionKey(e.data.personYear, e.data.revision), d);
      index.decisions.push(d);
      ofPersonYear(index, personYearId(e.data.personYear)).assistance.push(d);
      return;
    }
    case 'critical-illness.ContractRevised':
      index.contracts.set(policyKey(e.data.region, e.data.year, e.data.revision), e.data.contract);
      return;
    case 'critical-illness.FundSettled':
      return; // a fund's year-end settlement: logged, but no person-year's decision or fact
    case 'audit.CheckpointSigned':
      return; // the log's own checkpoints are not recorded in it
    default: {
      const unknown: never = e;
      throw new Error(`unknown event type ${String((unknown as { type?: unknown }).type)}`); // the type only: its data may hold a claim (never into an error, hence a log)
    }
  }
}

interface LogRow {
  seq: string;
  event_id: string;
  event_time: string;
  envelope: string;
}

/** A logged envelope as the index reads it: recorded as published, upcast to the current version (v1 eligibility → windows). */
export function readLogged(envelope: unknown): AnyEnvelope {
  return upcastEnvelope(envelope as AnyEnvelope);
}

/**
 * Read the whole log in order into an index. The log is cut into ranges of `seq` read on
 * several connections at once, and each range is indexed as soon as it and the ones before it
 * have arrived: the database serialises while this process parses.
 */
export async function loadIndex(db: Database, pageSize = 10000, parallel = 3): Promise<LogIndex> {
  const index = emptyIndex();
  const [bounds] = await db.query<{ first: string | null; last: string | null }>(
    'SELECT min(seq)::text AS first, max(seq)::text AS last FROM audit_log',
  );
  if (!bounds?.first || !bounds.last) return index;
  const first = BigInt(bounds.first);
  const last = BigInt(bounds.last);
  const page = (from: bigint) =>
    db.query<LogRow>(
      `SELECT seq, event_id, to_char(event_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS event_time, envelope::text AS envelope
       FROM audit_log WHERE seq >= $1 AND seq < $2 ORDER BY seq`,
      [from.toString(), (from + BigInt(pageSize)).toString()],
    );
  const pending: Promise<LogRow[]>[] = [];
  let next = first;
  const fill = () => {
    while (pending.length < parallel && next <= last) {
      pending.push(page(next));
      next += BigInt(pageSize);
    }
  };
  fill();
  while (pending.length > 0) {
    const rows = await pending.shift()!;
    fill();
    for (const r of rows) indexEvent(index, readLogged(JSON.parse(r.envelope)), { eventId: r.event_id, seq: r.seq, time: r.event_time });
  }
  return index;
}

/** The eligibility windows of a person at an eligibility revision (revision 0: none yet). */
export function windowsAt(index: LogIndex, personId: string, revision: number): EligibilityWindowDto[] | undefined {
  if (revision === 0) return [];
  return index.eligibility.get(personId)?.get(revision);
}

/** A payer's decisions, whole, at any recorded revision of any person-year (folded when first asked for). */
export function views<P extends Payer>(index: LogIndex, payer: P): PersonYearViews<P> {
  return new PersonYearViews(payer, (personYear) => index.personYears.get(personYear)?.[payer] ?? []);
}

/** The last decision of a payer for each person-year (the highest revision), whole: every claim of the year. */
export function latestDecisions<P extends Payer>(index: LogIndex, payer: P): Map<string, RecordedDecision<DecisionOf[P]>> {
  const all = views(index, payer);
  const latest = new Map<string, RecordedDecision<DecisionOf[P]>>();
  for (const [personYear, decisions] of index.personYears) {
    if (decisions[payer].length === 0) continue;
    const last = all.of(personYear).last();
    if (last) latest.set(personYear, last);
  }
  return latest;
}
