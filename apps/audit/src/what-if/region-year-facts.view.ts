import type {
  AnyEnvelope,
  AssistancePolicyDto,
  BasicCatalogueDto,
  BasicPolicyDto,
  ClaimDto,
  CriticalIllnessCatalogueDto,
  CriticalIllnessPolicyDto,
  EligibilityWindowDto,
  HospitalRecordDto,
} from '@msb/contracts';
import type { Database, Tx } from '@msb/eventing';
import { readLogged } from '../analysis/log.index';
import type { RecordedPersonYear } from './what-if.fold';

/** A region-year's policy sections and catalogues as the log holds them now: each one's latest revision. */
export interface RegionYearInForce {
  basic?: { revision: number; dto: BasicPolicyDto };
  criticalIllness?: { revision: number; dto: CriticalIllnessPolicyDto };
  assistance?: { revision: number; dto: AssistancePolicyDto };
  catalogue?: { revision: number; dto: BasicCatalogueDto };
  criticalIllnessCatalogue?: { revision: number; dto: CriticalIllnessCatalogueDto };
  /** Every hospital's latest record in the registry (claims may name hospitals of other regions: 异地就医). */
  hospitals: Map<string, HospitalRecordDto>;
}

const SECTIONS = {
  'basic.PolicyRevised': 'basic',
  'critical-illness.PolicyRevised': 'criticalIllness',
  'assistance.PolicyRevised': 'assistance',
  'basic.CatalogueRevised': 'catalogue',
  'critical-illness.CatalogueRevised': 'criticalIllnessCatalogue',
} as const;

const ELIGIBILITY_TYPES = ['assistance.EligibilityGranted', 'assistance.EligibilityRevoked'];

/** A logged event as the view reads it: its type and version, and its data (the envelope's other fields are not needed). */
interface LoggedRow {
  type: string;
  version: number;
  data: unknown;
}

const upcast = (r: LoggedRow): AnyEnvelope => readLogged({ type: r.type, version: r.version, data: r.data });

/** One person-year's claim events as logged (envelopes as JSON text, parsed by whoever settles them) and the person's windows of their latest eligibility revision. */
export interface PersonYearRows {
  personId: string;
  events: string[];
  windows: EligibilityWindowDto[];
}

/** A person-year's rows as the rules read them: the events upcast, each claim at its latest version, reversed ones left out. */
export function recordedPersonYear(rows: PersonYearRows): RecordedPersonYear {
  return { personId: rows.personId, claims: liveClaims(rows.events.map((e) => readLogged(JSON.parse(e)))), windows: rows.windows };
}

const PERSON = /"personId":"([^"\\]*)"/;
const CLAIM = /"claimId":"([^"\\]*)"/;

/**
 * The person and the claim a logged claim version is about, read off its text without parsing
 * it: in a claim event the keys `personId` and `claimId` occur once, in its claim, and their
 * values are identifiers, which JSON writes without escapes (an escaped quote in another value
 * cannot end a key). The rows are handed on unparsed; parsing is the settling thread's work.
 */
export function claimKeysOf(envelope: string): { personId: string; claimId: string } {
  const person = PERSON.exec(envelope);
  const claim = CLAIM.exec(envelope);
  if (!person || !claim) throw new Error('a logged claim version names no person or claim');
  return { personId: person[1], claimId: claim[1] };
}

/** A person whose claim rows have been read: the rows, and the ids of its claims. */
interface PersonRows {
  person: string;
  events: string[];
  claimIds: Set<string>;
}

/**
 * The claim versions of a region-year in person order, then log order: the order of the
 * person-year index of migration 1732400000440, read without a sort, so that the first rows come
 * at once. (A claim's reversal is looked up by its subject, the claim id, a batch at a time.)
 */
const CLAIMS_IN_PERSON_ORDER = `
  SELECT envelope::text AS envelope
  FROM audit_log
  WHERE type IN ('basic.ClaimSubmitted', 'basic.ClaimCorrected')
    AND envelope->'data'->'claim'->>'region' = $1 AND envelope->'data'->>'year' = $2
  ORDER BY envelope->'data'->'claim'->>'personId', seq`;

/** The live claims of one person-year from its claim events in log order: each claim's latest version, reversed ones left out. */
export function liveClaims(events: readonly AnyEnvelope[]): { claim: ClaimDto; version: number }[] {
  const latest = new Map<string, { claim: ClaimDto; version: number }>();
  const reversed = new Set<string>();
  for (const e of events) {
    if (e.type === 'basic.ClaimSubmitted' || e.type === 'basic.ClaimCorrected') {
      const seen = latest.get(e.data.claim.claimId);
      if (!seen || seen.version < e.data.version) latest.set(e.data.claim.claimId, { claim: e.data.claim, version: e.data.version });
    } else if (e.type === 'basic.ClaimReversed') reversed.add(e.data.claimId);
  }
  return [...latest.values()].filter((c) => !reversed.has(c.claim.claimId));
}

/**
 * Reads a region-year from the log for a what-if, in one read-only snapshot (REPEATABLE READ):
 * the sections and catalogues in force, the hospital registry, then the person-years in person
 * order, a batch at a time from a server-side cursor, each with the person's eligibility windows
 * of their latest revision. Memory holds a batch or two, never the region-year; the claims are
 * handed on as logged (JSON text), for whoever settles them to parse.
 */
export class RegionYearFactsView {
  constructor(
    private readonly db: Database,
    private readonly batchRows = 5000,
  ) {}

  async read<T>(
    region: string,
    year: number,
    work: (inForce: RegionYearInForce, personYears: AsyncIterable<PersonYearRows[]>) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const inForce = await this.inForce(tx, region, year);
      await tx.query(`DECLARE what_if_claims NO SCROLL CURSOR FOR ${CLAIMS_IN_PERSON_ORDER}`, [region, String(year)]);
      try {
        return await work(inForce, this.personYears(tx));
      } finally {
        await tx.query('CLOSE what_if_claims');
      }
    }, 1);
  }

  private async inForce(tx: Tx, region: string, year: number): Promise<RegionYearInForce> {
    // a revision's subject is its region-year; the latest of each kind is in force
    const revisions = await tx.query<LoggedRow>(
      `SELECT DISTINCT ON (type) type, (envelope->>'version')::int AS version, envelope->'data' AS data
       FROM audit_log WHERE subject = $1 AND type = ANY($2::text[])
       ORDER BY type, (envelope->'data'->>'revision')::int DESC, seq DESC`,
      [`${region}:${year}`, Object.keys(SECTIONS)],
    );
    const hospitals = await tx.query<LoggedRow>(
      `SELECT DISTINCT ON (envelope->'data'->>'hospitalId') type, (envelope->>'version')::int AS version, envelope->'data' AS data
       FROM audit_log WHERE type = 'basic.HospitalRegistered'
       ORDER BY envelope->'data'->>'hospitalId', (envelope->'data'->>'revision')::int DESC, seq DESC`,
    );
    const inForce: RegionYearInForce = { hospitals: new Map() };
    for (const row of revisions) {
      const e = upcast(row);
      switch (e.type) {
        case 'basic.PolicyRevised':
        case 'critical-illness.PolicyRevised':
        case 'assistance.PolicyRevised':
          if (e.data.region === region && e.data.year === year)
            Object.assign(inForce, { [SECTIONS[e.type]]: { revision: e.data.revision, dto: e.data.policy } });
          break;
        case 'basic.CatalogueRevised':
        case 'critical-illness.CatalogueRevised':
          if (e.data.region === region && e.data.year === year)
            Object.assign(inForce, { [SECTIONS[e.type]]: { revision: e.data.revision, dto: e.data.catalogue } });
          break;
        default:
          break;
      }
    }
    for (const row of hospitals) {
      const e = upcast(row);
      if (e.type === 'basic.HospitalRegistered') inForce.hospitals.set(e.data.hospitalId, e.data.hospital);
    }
    return inForce;
  }

  /**
   * The person-years from the cursor, a batch of whole person-years at a time (a person cut by a
   * fetch waits for the next one). The next rows are asked for before a batch is handed on, so
   * that Postgres reads them while this process settles the batch.
   */
  private async *personYears(tx: Tx): AsyncGenerator<PersonYearRows[]> {
    const fetchRows = () => {
      const rows = tx.query<{ envelope: string }>(`FETCH ${this.batchRows} FROM what_if_claims`);
      rows.catch(() => undefined); // awaited below; a batch abandoned by an error is not left unhandled
      return rows;
    };
    let pending: PersonRows | null = null;
    let next: Promise<{ envelope: string }[]> | null = fetchRows();
    while (next !== null) {
      const rows: { envelope: string }[] = await next;
      const done = rows.length < this.batchRows;
      const complete: PersonRows[] = [];
      for (const { envelope } of rows) {
        const { personId, claimId } = claimKeysOf(envelope);
        if (pending === null || pending.person !== personId) {
          if (pending !== null) complete.push(pending);
          pending = { person: personId, events: [], claimIds: new Set() };
        }
        pending.events.push(envelope);
        pending.claimIds.add(claimId);
      }
      if (done && pending !== null) {
        complete.push(pending);
        pending = null;
      }
      const batch = this.completed(tx, complete);
      next = done ? null : fetchRows(); // queued on the connection behind the windows
      const people = await batch;
      if (people.length > 0) yield people;
    }
  }

  /** Each person-year with its claims' reversals (a reversal's subject is its claim) and the person's windows of their latest eligibility revision. */
  private async completed(tx: Tx, people: PersonRows[]): Promise<PersonYearRows[]> {
    if (people.length === 0) return [];
    const claimIds = people.flatMap((p) => [...p.claimIds]);
    const reversals = await tx.query<{ subject: string; envelope: string }>(
      `SELECT subject, envelope::text AS envelope
       FROM audit_log WHERE subject = ANY($1::text[]) AND type = 'basic.ClaimReversed' ORDER BY seq`,
      [claimIds],
    );
    const rows = await tx.query<LoggedRow & { subject: string }>(
      `SELECT DISTINCT ON (subject) subject, type, (envelope->>'version')::int AS version, envelope->'data' AS data
       FROM audit_log WHERE subject = ANY($1::text[]) AND type = ANY($2::text[])
       ORDER BY subject, (envelope->'data'->>'eligibilityRevision')::int DESC, seq DESC`,
      [people.map((p) => p.person), ELIGIBILITY_TYPES],
    );
    const windows = new Map<string, EligibilityWindowDto[]>();
    for (const row of rows) {
      const e = upcast(row);
      if (e.type === 'assistance.EligibilityGranted' || e.type === 'assistance.EligibilityRevoked')
        windows.set(e.data.personId, e.data.windows);
    }
    const reversalsOf = new Map<string, string[]>();
    for (const r of reversals) reversalsOf.set(r.subject, [...(reversalsOf.get(r.subject) ?? []), r.envelope]);
    return people.map((p) => {
      const reversed = [...p.claimIds].flatMap((id) => reversalsOf.get(id) ?? []);
      return { personId: p.person, events: [...p.events, ...reversed], windows: windows.get(p.person) ?? [] };
    });
  }
}
