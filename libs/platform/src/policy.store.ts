import { contentHash, EventType, personKey, TopicName } from '@msb/contracts';
import { appendToStream, enqueue, envelope, Tx } from '@msb/eventing';
import { Problem } from './problem.details';
import { scheduleRecalculation } from './recalculation.service';

export interface PolicyRevision<Dto, Terms> {
  region: string;
  year: number;
  revision: number;
  dto: Dto;
  terms: Terms;
  recordedAt: string;
}

export interface PolicyStoreOptions<Dto, Terms> {
  /** "basic", "critical-illness", "assistance": names the policy stream. */
  payer: string;
  source: string;
  /** The integration event a new revision is published as, and its topic (none: recorded, not published). */
  eventType?: EventType;
  topic?: TopicName;
  parse: (dto: Dto) => Terms;
  /**
   * What the store keeps (default "policy": the policies table and the event's `policy`); a
   * catalogue (医保目录) is kept the same way in `catalogues` with the event's `catalogue`, a fund
   * contract (大病保险合同) in `fund_contracts`. All share the region-year's lock, so one shared
   * lock holds a decider's policy and catalogue, and a fund settlement's contract.
   */
  kind?: RevisionKind;
  /** Whether a new revision recalculates the region-year (default true; a fund contract changes no claim's payment). */
  recalculates?: boolean;
}

export type RevisionKind = 'policy' | 'catalogue' | 'contract';
const TABLES: Record<RevisionKind, string> = { policy: 'policies', catalogue: 'catalogues', contract: 'fund_contracts' };
const REVISED: Record<RevisionKind, string> = { policy: 'PolicyRevised', catalogue: 'CatalogueRevised', contract: 'ContractRevised' };

export interface PutPolicyResult {
  region: string;
  year: number;
  revision: number;
  created: boolean;
}

/**
 * One agency's section of the region-year policies, versioned: every change is a new
 * revision (never an edit), recorded as an event, published, and followed by a bulk
 * recalculation of the region-year (a kept-only kind, such as a fund contract, is neither). Deciders hold a shared lock on the region-year while
 * they decide, a revision takes it exclusively: no decision uses a revision that a
 * recalculation already passed by.
 */
export class PolicyStore<Dto, Terms> {
  private readonly cache = new Map<string, PolicyRevision<Dto, Terms>>();
  private readonly kind: RevisionKind;
  private readonly table: string;

  constructor(private readonly options: PolicyStoreOptions<Dto, Terms>) {
    this.kind = options.kind ?? 'policy';
    this.table = TABLES[this.kind];
  }

  private lockKey(region: string, year: number): string {
    return `${this.options.payer}-policy:${region}:${year}`;
  }

  private streamId(region: string, year: number): string {
    return `${this.options.payer}-${this.kind}:${region}:${year}`;
  }

  private get column(): RevisionKind {
    return this.kind;
  }

  /** Shared lock for deciders (in their transaction). */
  async lockShared(tx: Tx, region: string, year: number): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock_shared(hashtext($1))', [this.lockKey(region, year)]);
  }

  /**
   * The region-year's lock, exclusively (in the caller's transaction): no decider of the region-year
   * is writing meanwhile, and every one that wrote before has committed. A revision takes it; so
   * does whatever must read the payer's payment record of the region-year at one cut (年度清算).
   */
  async lockExclusive(tx: Tx, region: string, year: number): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [this.lockKey(region, year)]);
  }

  /**
   * The latest revision of several region-years at once, each held with the shared lock
   * (taken in key order, so that batches never deadlock on them). Keyed "region|year".
   */
  async inForce(tx: Tx, regionYears: { region: string; year: number }[]): Promise<Map<string, PolicyRevision<Dto, Terms>>> {
    const keys = [...new Map(regionYears.map((k) => [`${k.region}|${k.year}`, k])).entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    if (keys.length === 0) return new Map();
    await tx.query('SELECT pg_advisory_xact_lock_shared(hashtext(k)) FROM unnest($1::text[]) AS t(k)', [
      keys.map(([, k]) => this.lockKey(k.region, k.year)),
    ]);
    const rows = await tx.query<{ region: string; year: number; revision: number; recorded_at: Date } & Record<RevisionKind, Dto>>(
      `SELECT DISTINCT ON (region, year) region, year, revision, ${this.column}, recorded_at FROM ${this.table}
       WHERE (region, year) IN (SELECT * FROM unnest($1::text[], $2::int[])) ORDER BY region, year, revision DESC`,
      [keys.map(([, k]) => k.region), keys.map(([, k]) => k.year)],
    );
    const result = new Map<string, PolicyRevision<Dto, Terms>>();
    for (const row of rows)
      result.set(`${row.region}|${row.year}`, this.revisionOf(row.region, row.year, row.revision, row[this.column], row.recorded_at));
    return result;
  }

  private revisionOf(region: string, year: number, revision: number, dto: Dto, recordedAt: Date): PolicyRevision<Dto, Terms> {
    const key = `${region}|${year}`;
    const cached = this.cache.get(key);
    if (cached && cached.revision === revision) return cached;
    const parsed = { region, year, revision, dto, terms: this.options.parse(dto), recordedAt: recordedAt.toISOString() };
    this.cache.set(key, parsed);
    return parsed;
  }

  async latest(tx: Pick<Tx, 'query'>, region: string, year: number): Promise<PolicyRevision<Dto, Terms> | undefined> {
    const [row] = await tx.query<{ revision: number; recorded_at: Date } & Record<RevisionKind, Dto>>(
      `SELECT revision, ${this.column}, recorded_at FROM ${this.table} WHERE region = $1 AND year = $2 ORDER BY revision DESC LIMIT 1`,
      [region, year],
    );
    if (!row) return undefined;
    return this.revisionOf(region, year, row.revision, row[this.column], row.recorded_at);
  }

  async put(
    tx: Tx,
    input: { region: string; year: number; dto: Dto; expectedRevision?: number; now: Date; correlationId?: string },
  ): Promise<PutPolicyResult> {
    const { region, year, dto, now } = input;
    await this.lockExclusive(tx, region, year);
    const hash = contentHash(dto);
    const [current] = await tx.query<{ revision: number; content_hash: string }>(
      `SELECT revision, content_hash FROM ${this.table} WHERE region = $1 AND year = $2 ORDER BY revision DESC LIMIT 1`,
      [region, year],
    );
    const currentRevision = current?.revision ?? 0;
    if (input.expectedRevision !== undefined && input.expectedRevision !== currentRevision) {
      throw Problem.conflict(
        `the ${this.kind} of ${region}/${year} is at revision ${currentRevision}, not ${input.expectedRevision}; read it again and resubmit`,
      );
    }
    if (current && current.content_hash === hash) return { region, year, revision: currentRevision, created: false };
    const revision = currentRevision + 1;
    await tx.execute(
      `INSERT INTO ${this.table} (region, year, revision, content_hash, ${this.column}, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [region, year, revision, hash, JSON.stringify(dto), now],
    );
    const data = { region, year, revision, [this.column]: dto };
    const { eventType, topic } = this.options;
    const message = envelope({
      type: eventType ?? REVISED[this.kind],
      source: this.options.source,
      subject: `${region}:${year}`,
      data,
      time: now,
      correlationId: input.correlationId,
    });
    await appendToStream(tx, this.streamId(region, year), currentRevision, [
      { type: REVISED[this.kind], data, eventId: message.id, metadata: { correlationId: message.correlationId } },
    ]);
    if (eventType && topic) await enqueue(tx, [{ topic, key: personKey(region, '*'), envelope: message }]);
    if (this.options.recalculates !== false) await scheduleRecalculation(tx, region, year, revision);
    return { region, year, revision, created: true };
  }
}
