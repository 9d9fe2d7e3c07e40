import type { PersonYearRef } from '@msb/contracts';
import type { Tx } from '@msb/eventing';
import type { PersonYearRepository } from './person-year.repository';
import type { PolicyRevision, PolicyStore } from './policy.store';
import { RecalculationJob, RecalculationWorker } from './recalculation.service';
import type { ServiceRuntime } from './service.runtime';

export interface RegionYearRecalculationOptions<
  S extends { key: PersonYearRef },
  C extends { type: string },
  E extends { type: string; data: unknown },
  Dto,
  Terms,
  F,
> {
  runtime: ServiceRuntime;
  policies: PolicyStore<Dto, Terms>;
  personYears: PersonYearRepository<S, C, E>;
  /** What the command needs of each person besides the policy (their eligibility), read before the person-years are locked. */
  perPerson: (tx: Tx, personIds: string[]) => Promise<Map<string, F>>;
  /** What else the region-year is decided on (a catalogue, a registry), read once per batch under the region-year's lock. */
  regionYear?: (tx: Tx, region: string, year: number) => Promise<unknown>;
  command: (policy: PolicyRevision<Dto, Terms>, ofPerson: F | undefined, regionYear: unknown) => C;
  batchSize?: number;
}

/**
 * A policy revision applies to the whole year: every person-year of the region-year is
 * decided again on the latest revision, a batch per transaction, resumably (see
 * RecalculationWorker). The first policy of a region-year settles what was parked.
 */
export class RegionYearRecalculation<
  S extends { key: PersonYearRef },
  C extends { type: string },
  E extends { type: string; data: unknown },
  Dto,
  Terms,
  F,
> {
  readonly worker: RecalculationWorker;

  constructor(private readonly options: RegionYearRecalculationOptions<S, C, E, Dto, Terms, F>) {
    const { runtime } = options;
    this.worker = new RecalculationWorker({
      db: runtime.db,
      logger: runtime.log.child({ component: 'recalculation' }),
      batchSize: options.batchSize ?? runtime.config.RECALCULATION_BATCH_SIZE,
      recomputeBatch: (tx, job, limit) => this.recomputeBatch(tx, job, limit),
      countPersonYears: async (region, year) => {
        const [row] = await runtime.db.query<{ n: string }>('SELECT count(*) AS n FROM person_years WHERE region = $1 AND year = $2', [
          region,
          year,
        ]);
        return Number(row?.n ?? 0);
      },
      afterBatch: () => runtime.relay.poke(),
      instance: runtime.config.INSTANCE_ID,
    });
  }

  poke(): void {
    this.worker.poke();
  }

  private async recomputeBatch(tx: Tx, job: RecalculationJob, limit: number) {
    const { policies, personYears } = this.options;
    await policies.lockShared(tx, job.region, job.year);
    const policy = await policies.latest(tx, job.region, job.year);
    const batch = await personYears.regionYearBatch(tx, job.region, job.year, job.cursor, limit);
    if (!policy || batch.length === 0) return { last: undefined, count: 0, changed: 0 };
    const regionYear = await this.options.regionYear?.(tx, job.region, job.year);
    const ofPersons = await this.options.perPerson(
      tx,
      batch.map((b) => b.personId),
    );
    const snapshots = await personYears.lockStreams(
      tx,
      batch.map((b) => b.streamId),
    );
    const now = new Date();
    const decided = await personYears.decideAndSave(
      tx,
      [...snapshots.values()].map((snapshot) => {
        const key = snapshot.state.key;
        return { key, snapshot, command: this.options.command(policy, ofPersons.get(key.personId), regionYear), now, context: {} };
      }),
    );
    // a person-year changed when the recalculation published a new decision on it
    const changed = decided.filter((d) => d.events.some((e) => e.type === 'PersonYearDecided')).length;
    return { last: batch[batch.length - 1].streamId, count: batch.length, changed };
  }
}
