import { randomUUID } from 'node:crypto';
import {
  AssistancePolicyDto,
  assistanceTotals,
  basicTotals,
  BasicPolicyDto,
  canonicalJson,
  Category,
  ClaimDto,
  criticalIllnessTotals,
  CriticalIllnessPolicyDto,
  Envelope,
  EVENT_TYPES,
  EventType,
  EligibilityWindowDto,
  personKey,
  sha256Hex,
  TOPICS,
} from '@msb/contracts';
import {
  assistancePolicyFromWire,
  basicCatalogueFromWire,
  basicPolicyFromWire,
  criticalIllnessCatalogueFromWire,
  criticalIllnessPolicyFromWire,
  decideAssistancePersonYear,
  decideBasicPersonYear,
  decideCriticalIllnessPersonYear,
  Fact,
  hospitalFromWire,
  resolveClaim,
} from '@msb/settlement';
import {
  correctedDown,
  demoPolicies,
  rng,
  WORKLOAD_CODES,
  workloadCatalogue,
  workloadCriticalIllnessCatalogue,
} from './workload.generator';

/** What a query needs of a Postgres client (pg's Client or Pool). */
interface Sql {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface AuditSeedOptions {
  region: string;
  year: number;
  personYears: number;
  /** Prefix of every id. */
  tag: string;
  seed?: number;
  policies?: { basic: BasicPolicyDto; criticalIllness: CriticalIllnessPolicyDto; assistance: AssistancePolicyDto };
  /** Share of people with an assistance grant (default 0.15); a tenth of those granted from mid-year, a twentieth revoked. */
  eligibleShare?: number;
  /** Share of person-years whose first claim was corrected (default 0.03), and whose last claim was reversed (default 0.02). */
  correctedShare?: number;
  reversedShare?: number;
  /** Persons generated and written at a time (default 2000). */
  chunk?: number;
}

export interface AuditSeed {
  events: number;
  personYears: number;
  claims: number;
}

const DIAGNOSES = ['C34.9', 'C50.9', 'I21.9', 'I63.9', 'J18.9', 'N18.5', 'E11.9', 'K35.8'];
const CATEGORIES: Category[] = ['EXTREME_POVERTY', 'MINIMUM_LIVING', 'POVERTY_MONITORED', 'LOW_INCOME', 'ILLNESS_POVERTY'];
const PARTITIONS = 6;

/** An event as its agency publishes it: the shared envelope at the type's current version (libs/eventing's envelope(), which this library may not import). */
function envelope(e: { type: EventType; source: string; subject: string; time: Date; data: unknown }): Envelope {
  const id = randomUUID();
  return {
    id,
    type: e.type,
    version: EVENT_TYPES[e.type].version,
    source: e.source,
    subject: e.subject,
    time: e.time.toISOString(),
    correlationId: id,
    causationId: null,
    data: e.data,
  };
}
const cents = (value: number) => (Math.round(value * 100) / 100).toFixed(2);
const day = (year: number, dayOfYear: number) => new Date(Date.UTC(year, 0, 1 + dayOfYear)).toISOString().slice(0, 10);

/** A stable partition for a key (the broker's own hash does not matter here: one person's events stay on one chain). */
function partitionOf(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
  return Math.abs(h) % PARTITIONS;
}

/**
 * Writes a region-year into an audit database directly, as the audit log consumer would have
 * recorded it from the topics: the three policy sections, both catalogues and the hospital
 * registry, then for each of `personYears` people 1–3 claims (inpatient, chronic and plain
 * outpatient, heavy-tailed bills with 乙类 and 丙类 items and negotiated drugs), some corrected
 * or reversed, some people granted assistance, and each payer's person-year decision on those
 * facts (libs/settlement's decisions, as the payers make them). Each entry is chained to its
 * partition's chain (SHA-256 over the previous hash and the event's canonical JSON, as
 * audit.chain.ts does) with dense leaf indexes, and indexed by claim. Multi-row inserts, a chunk
 * of people at a time; `onFacts` receives the same facts for a reference settlement.
 */
export async function seedAuditLog(db: Sql, o: AuditSeedOptions, onFacts?: (facts: Fact[]) => void): Promise<AuditSeed> {
  const random = rng(o.seed ?? 42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const policies = o.policies ?? demoPolicies();
  const { region, year, tag } = o;
  const log = await AuditLogWriter.open(db);
  const facts: Fact[] = [];
  const at = (() => {
    let t = Date.UTC(year, 11, 31, 12);
    return () => new Date((t += 1));
  })();
  const record = (topic: string, key: string, e: Envelope) => log.add(topic, partitionOf(key), e);

  // the terms of the region-year: revision 1 of each
  const catalogue = workloadCatalogue();
  const ciCatalogue = workloadCriticalIllnessCatalogue();
  const sections = [
    ['basic.PolicyRevised', 'basic-insurance', TOPICS.basicPolicies, { policy: policies.basic }],
    ['critical-illness.PolicyRevised', 'critical-illness', TOPICS.criticalIllnessPolicies, { policy: policies.criticalIllness }],
    ['assistance.PolicyRevised', 'medical-assistance', TOPICS.assistancePolicies, { policy: policies.assistance }],
    ['basic.CatalogueRevised', 'basic-insurance', TOPICS.basicPolicies, { catalogue }],
    ['critical-illness.CatalogueRevised', 'critical-illness', TOPICS.criticalIllnessPolicies, { catalogue: ciCatalogue }],
  ] as const;
  for (const [type, source, topic, body] of sections)
    record(
      topic,
      `${region}:${year}`,
      envelope({ type, source, subject: `${region}:${year}`, time: at(), data: { region, year, revision: 1, ...body } }),
    );
  facts.push({
    type: 'PolicyPut',
    region,
    year,
    basic: basicPolicyFromWire(policies.basic),
    criticalIllness: criticalIllnessPolicyFromWire(policies.criticalIllness),
    assistance: assistancePolicyFromWire(policies.assistance),
  });
  facts.push({
    type: 'CataloguePut',
    region,
    year,
    basic: basicCatalogueFromWire(catalogue),
    criticalIllness: criticalIllnessCatalogueFromWire(ciCatalogue),
  });
  const hospitals: { hospitalId: string; hospital: { name: string; level: 1 | 2 | 3; region: string; designated: boolean } }[] = [];
  for (const level of [1, 2, 3] as const) {
    for (let n = 0; n < 3; n++)
      hospitals.push({ hospitalId: `${tag}-H${level}${n}`, hospital: { name: `Hospital ${level}${n}`, level, region, designated: true } });
    hospitals.push({
      hospitalId: `${tag}-OFF-H${level}`,
      hospital: { name: `Elsewhere ${level}`, level, region: `OFF${region}`.slice(0, 12), designated: true },
    });
  }
  hospitals.forEach((h, i) => {
    const data = { hospitalId: h.hospitalId, revision: i + 1, hospital: h.hospital };
    record(
      TOPICS.basicPolicies,
      h.hospitalId,
      envelope({ type: 'basic.HospitalRegistered', source: 'basic-insurance', subject: `hospital:${h.hospitalId}`, time: at(), data }),
    );
    facts.push({ type: 'HospitalPut', hospitalId: h.hospitalId, hospital: hospitalFromWire(h.hospital) });
  });
  onFacts?.(facts.splice(0));

  const terms = {
    basic: basicPolicyFromWire(policies.basic),
    criticalIllness: criticalIllnessPolicyFromWire(policies.criticalIllness),
    assistance: assistancePolicyFromWire(policies.assistance),
    catalogue: basicCatalogueFromWire(catalogue),
    covered: criticalIllnessCatalogueFromWire(ciCatalogue),
    hospitals: new Map(hospitals.map((h) => [h.hospitalId, hospitalFromWire(h.hospital)])),
  };
  const registryRevision = hospitals.length;
  const home = hospitals.filter((h) => h.hospital.region === region);
  const off = hospitals.filter((h) => h.hospital.region !== region);
  const codes = WORKLOAD_CODES;
  let claimCount = 0;

  const claimOf = (personId: string, k: number): ClaimDto => {
    const kind = random();
    const visitType = kind < 0.4 ? 'INPATIENT' : kind < 0.7 ? 'OUTPATIENT_CHRONIC' : 'OUTPATIENT';
    const hospital = pick(random() < 0.1 ? off : home);
    const discharge = Math.floor(random() * 360);
    const base =
      visitType === 'OUTPATIENT'
        ? 80 + random() * 400
        : visitType === 'OUTPATIENT_CHRONIC'
          ? 300 + random() * 2500
          : 3000 + Math.pow(random(), 3) * 180000;
    const outside = random();
    claimCount += 1;
    return {
      claimId: `${tag}-C${personId.slice(tag.length + 2)}-${k}`,
      personId,
      region,
      hospital: { id: hospital.hospitalId },
      visitType,
      ...(visitType === 'INPATIENT' ? { admissionDate: day(year, Math.max(0, discharge - 1 - Math.floor(random() * 20))) } : {}),
      serviceDate: day(year, discharge),
      diagnosis: [pick(DIAGNOSES)],
      items: [
        { code: codes.drugs, amount: cents(base * 0.6) },
        { code: random() < 0.3 ? codes.treatmentAt[pick(['0.05', '0.15', '0.20'] as const)] : codes.treatment, amount: cents(base * 0.3) },
        {
          code: visitType === 'INPATIENT' && outside < 0.4 ? codes.negotiated : outside > 0.95 ? codes.unlisted : codes.other,
          amount: cents(base * 0.1),
        },
      ],
    };
  };

  const chunk = o.chunk ?? 2000;
  for (let from = 0; from < o.personYears; from += chunk) {
    for (let i = from; i < Math.min(o.personYears, from + chunk); i++) {
      const personId = `${tag}-P${String(i).padStart(7, '0')}`;
      const key = personKey(region, personId);
      const subject = `${region}:${personId}:${year}`;
      // eligibility first, as civil affairs grants before (or after) the claims: only the windows matter
      let windows: EligibilityWindowDto[] = [];
      let eligibilityRevision = 0;
      if (random() < (o.eligibleShare ?? 0.15)) {
        const window: EligibilityWindowDto = { category: pick(CATEGORIES), validFrom: random() < 0.1 ? `${year}-07-01` : `${year}-01-01` };
        const grantId = `${tag}-G${i}`;
        windows = [window];
        eligibilityRevision = 1;
        const granted = { personId, eligibilityRevision: 1, grantId, windows };
        record(
          TOPICS.assistanceEligibility,
          personId,
          envelope({ type: 'assistance.EligibilityGranted', source: 'medical-assistance', subject: personId, time: at(), data: granted }),
        );
        facts.push({ type: 'EligibilityGranted', grant: { ...window, grantId, personId, revoked: false } });
        if (random() < 0.05) {
          windows = [];
          eligibilityRevision = 2;
          const revoked = { personId, eligibilityRevision: 2, grantId, windows };
          record(
            TOPICS.assistanceEligibility,
            personId,
            envelope({ type: 'assistance.EligibilityRevoked', source: 'medical-assistance', subject: personId, time: at(), data: revoked }),
          );
          facts.push({ type: 'EligibilityRevoked', grantId });
        }
      }
      const n = 1 + Math.floor(random() * 3);
      const recorded: { claim: ClaimDto; version: number; status: 'LIVE' | 'REVERSED' }[] = [];
      for (let k = 0; k < n; k++) {
        const claim = claimOf(personId, k);
        record(
          TOPICS.basicClaims,
          key,
          envelope({
            type: 'basic.ClaimSubmitted',
            source: 'basic-insurance',
            subject: claim.claimId,
            time: at(),
            data: { claim, version: 1, year },
          }),
        );
        facts.push({ type: 'ClaimSubmitted', claim, version: 1 });
        recorded.push({ claim, version: 1, status: 'LIVE' });
      }
      if (random() < (o.correctedShare ?? 0.03)) {
        const claim = correctedDown(recorded[0].claim);
        record(
          TOPICS.basicClaims,
          key,
          envelope({
            type: 'basic.ClaimCorrected',
            source: 'basic-insurance',
            subject: claim.claimId,
            time: at(),
            data: { claim, version: 2, year },
          }),
        );
        facts.push({ type: 'ClaimCorrected', claim, version: 2 });
        recorded[0] = { claim, version: 2, status: 'LIVE' };
      }
      if (random() < (o.reversedShare ?? 0.02)) {
        const last = recorded[recorded.length - 1];
        const data = {
          claimId: last.claim.claimId,
          version: last.version,
          personYear: { region, personId, year },
          reason: 'billed in error',
        };
        record(
          TOPICS.basicClaims,
          key,
          envelope({ type: 'basic.ClaimReversed', source: 'basic-insurance', subject: last.claim.claimId, time: at(), data }),
        );
        facts.push({ type: 'ClaimReversed', claimId: last.claim.claimId });
        last.status = 'REVERSED';
      }
      // each payer's decision on the final facts, as it would have made it (revision 1: settled once)
      const personYear = { region, personId, year };
      const eligibility = { revision: eligibilityRevision, windows };
      const basic = decideBasicPersonYear(terms.basic, recorded, {}, 'INITIAL', (c, v) =>
        resolveClaim(c, v, terms.catalogue, terms.hospitals.get(c.hospital.id)!),
      );
      const ci = decideCriticalIllnessPersonYear(
        terms.criticalIllness,
        { revision: 1, claims: basic.summary.claims },
        eligibility,
        {},
        'INITIAL',
        {
          revision: 1,
          covered: terms.covered,
        },
      );
      const assistance = decideAssistancePersonYear(
        terms.assistance,
        { revision: 1, basicRevision: 1, claims: ci.summary.claims },
        eligibility,
        {},
        'INITIAL',
      );
      const decided = { personYear, revision: 1, previousRevision: 0, policyRevision: 1, cause: { reason: 'INITIAL' as const } };
      const decisions = [
        [
          'basic.PersonYearDecided',
          'basic-insurance',
          TOPICS.basicDecisions,
          {
            ...decided,
            catalogueRevision: 1,
            hospitalRegistryRevision: registryRevision,
            ...basic.summary,
            totals: basicTotals(basic.summary.claims),
            payments: basic.payments,
          },
        ],
        [
          'critical-illness.PersonYearDecided',
          'critical-illness',
          TOPICS.criticalIllnessDecisions,
          { ...decided, catalogueRevision: 1, ...ci.summary, totals: criticalIllnessTotals(ci.summary.claims), payments: ci.payments },
        ],
        [
          'assistance.PersonYearDecided',
          'medical-assistance',
          TOPICS.assistanceDecisions,
          { ...decided, ...assistance.summary, totals: assistanceTotals(assistance.summary.claims), payments: assistance.payments },
        ],
      ] as const;
      for (const [type, source, topic, data] of decisions) record(topic, key, envelope({ type, source, subject, time: at(), data }));
    }
    await log.flush();
    onFacts?.(facts.splice(0));
  }
  await log.close();
  return { events: log.written, personYears: o.personYears, claims: claimCount };
}

/** The claims an event is about, for audit's claim index (as audit.chain.ts's claimsOf). */
function claimsOf(e: Envelope): string[] {
  const data = e.data as { claim?: { claimId: string }; claimId?: string; claims?: { claimId: string }[] };
  if (e.type === 'basic.ClaimSubmitted' || e.type === 'basic.ClaimCorrected') return [data.claim!.claimId];
  if (e.type === 'basic.ClaimReversed') return [data.claimId!];
  if (e.type.endsWith('.PersonYearDecided')) return (data.claims ?? []).map((c) => c.claimId);
  return [];
}

/** Appends entries to the audit log's tables as its consumer does: chained per partition, leaf indexes dense, claims indexed. */
class AuditLogWriter {
  private rows: unknown[][] = Array.from({ length: 16 }, () => []);
  private claims: { claimIds: string[]; eventIds: string[] } = { claimIds: [], eventIds: [] };
  written = 0;

  private constructor(
    private readonly db: Sql,
    private readonly heads: Map<string, { length: number; hash: string }>,
    private leaf: number,
  ) {}

  static async open(db: Sql): Promise<AuditLogWriter> {
    const heads = await db.query('SELECT chain, length::int AS length, hash FROM chain_heads');
    const [{ next }] = (await db.query('SELECT coalesce(max(leaf_index) + 1, 0)::int AS next FROM audit_log')).rows as { next: number }[];
    return new AuditLogWriter(
      db,
      new Map(heads.rows.map((h) => [h.chain as string, { length: h.length as number, hash: h.hash as string }])),
      next,
    );
  }

  add(topic: string, partition: number, e: Envelope): void {
    const chain = `${topic}#${partition}`;
    const head = this.heads.get(chain) ?? { length: 0, hash: '0'.repeat(64) };
    const hash = sha256Hex(head.hash + canonicalJson(e));
    const values = [
      e.id,
      chain,
      head.length + 1,
      topic,
      partition,
      head.length,
      e.type,
      e.source,
      e.subject,
      e.time,
      e.correlationId,
      e.causationId,
      JSON.stringify(e),
      head.hash,
      hash,
      this.leaf,
    ];
    values.forEach((v, i) => this.rows[i].push(v));
    for (const claimId of new Set(claimsOf(e))) {
      this.claims.claimIds.push(claimId);
      this.claims.eventIds.push(e.id);
    }
    this.heads.set(chain, { length: head.length + 1, hash });
    this.leaf += 1;
  }

  async flush(): Promise<void> {
    const n = this.rows[0].length;
    for (let from = 0; from < n; from += 4000) {
      await this.db.query(
        `INSERT INTO audit_log (event_id, chain, chain_seq, topic, partition, "offset", type, source, subject, event_time, correlation_id, causation_id, envelope, prev_hash, hash, leaf_index)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::int[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::timestamptz[], $11::text[], $12::text[], $13::json[], $14::text[], $15::text[], $16::bigint[])`,
        this.rows.map((column) => column.slice(from, from + 4000)),
      );
    }
    for (let from = 0; from < this.claims.claimIds.length; from += 20000) {
      await this.db.query(
        `INSERT INTO audit_claims (claim_id, seq)
         SELECT x.claim_id, l.seq FROM unnest($1::text[], $2::uuid[]) AS x(claim_id, event_id) JOIN audit_log l ON l.event_id = x.event_id
         ON CONFLICT DO NOTHING`,
        [this.claims.claimIds.slice(from, from + 20000), this.claims.eventIds.slice(from, from + 20000)],
      );
    }
    this.written += n;
    this.rows = Array.from({ length: 16 }, () => []);
    this.claims = { claimIds: [], eventIds: [] };
  }

  async close(): Promise<void> {
    await this.flush();
    const heads = [...this.heads];
    await this.db.query(
      `INSERT INTO chain_heads (chain, length, hash) SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[])
       ON CONFLICT (chain) DO UPDATE SET length = excluded.length, hash = excluded.hash`,
      [heads.map(([c]) => c), heads.map(([, h]) => h.length), heads.map(([, h]) => h.hash)],
    );
  }
}
