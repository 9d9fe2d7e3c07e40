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
  eventType: EventType;
  topic: TopicName;
  parse: (dto: Dto) => Terms;
  /**
   * What the store keeps (default "policy": the policies table and the event's `policy`); a
   * catalogue (医保目录) is kept the same way in `catalogues` with the event's `catalogue`. Both
   * share the region-year's lock, so one shared lock holds a decider's policy and catalogue.
   */
  kind?: 'policy' | 'catalogue';
}

export interface PutPolicyResult {
  region: string;
  year: number;
  revision: number;
  created: boolean;
}

/**
 * One agency's section of the region-year policies, versioned: every change is a new
 * revision (never an edit), recorded as an event, published, and followed by a bulk
 * recalculation of the region-year. Deciders hold a shared lock on the region-year while
 * they decide, a revision takes it exclusively: no decision uses a revision that a
 * recalculation already passed by.
 */
export class PolicyStore<Dto, Terms> {
  private readonly cache = new Map<string, PolicyRevision<Dto, Terms>>();
  private readonly kind: 'policy' | 'catalogue';
  private readonly table: 'policies' | 'catalogues';

  constructor(private readonly options: PolicyStoreOptions<Dto, Terms>) {
    this.kind = options.kind ?? 'policy';
    this.table = this.kind === 'policy' ? 'policies' : 'catalogues';
  }

  private lockKey(region: string, year: number): string {
    return `${this.options.payer}-policy:${region}:${year}`;
  }

  private streamId(region: string, year: number): string {
    return `${this.options.payer}-${this.kind}:${region}:${year}`;
  }

  private get column(): 'policy' | 'catalogue' {
    return this.kind;
  }

  /** Shared lock for deciders (in their transaction). */
  async lockShared(tx: Tx, region: string, year: number): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock_shared(hashtext($1))', [this.lockKey(region, year)]);
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
    const rows = await tx.query<
      { region: string; year: number; revision: number; recorded_at: Date } & Record<'policy' | 'catalogue', Dto>
    >(
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
    const [row] = await tx.query<{ revision: number; recorded_at: Date } & Record<'policy' | 'catalogue', Dto>>(
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
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [this.lockKey(region, year)]);
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
    const message = envelope({
      type: this.options.eventType,
      source: this.options.source,
      subject: `${region}:${year}`,
      data,
      time: now,
      correlationId: input.correlationId,
    });
    await appendToStream(tx, this.streamId(region, year), currentRevision, [
      {
        type: this.kind === 'policy' ? 'PolicyRevised' : 'CatalogueRevised',
        data,
        eventId: message.id,
        metadata: { correlationId: message.correlationId },
      },
    ]);
    await enqueue(tx, [{ topic: this.options.topic, key: personKey(region, '*'), envelope: message }]);
    await scheduleRecalculation(tx, region, year, revision);
    return { region, year, revision, created: true };
  }
}
