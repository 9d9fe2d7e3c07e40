import { Inject, Injectable } from '@nestjs/common';
import { RecalculationJob, RecalculationWorker, RUNTIME, ServiceRuntime } from '@msb/platform';
import type { Tx } from '@msb/eventing';
import { BasicPolicies } from '../policies/basic-policies';
import { BasicPersonYears } from '../person-years/basic-person-years';

/**
 * A basic policy revision applies to the whole year: every person-year of the region-year
 * is recomputed, in batches, resumably; what changed flows on to 大病 and assistance.
 */
@Injectable()
export class BasicRecalculation {
  readonly worker: RecalculationWorker;

  constructor(
    @Inject(RUNTIME) runtime: ServiceRuntime,
    private readonly policies: BasicPolicies,
    private readonly personYears: BasicPersonYears,
  ) {
    this.worker = new RecalculationWorker({
      db: runtime.db,
      logger: runtime.log.child({ component: 'recalculation' }),
      recomputeBatch: (tx, job, limit) => this.recomputeBatch(tx, job, limit),
      countPersonYears: async (region, year) => {
        const [row] = await runtime.db.query<{ n: string }>('SELECT count(*) AS n FROM person_years WHERE region = $1 AND year = $2', [region, year]);
        return Number(row?.n ?? 0);
      },
      afterBatch: () => runtime.relay.poke(),
    });
  }

  poke(): void {
    this.worker.poke();
  }

  private async recomputeBatch(tx: Tx, job: RecalculationJob, limit: number) {
    await this.policies.lockShared(tx, job.region, job.year);
    const policy = await this.policies.latest(tx, job.region, job.year);
    const snapshots = await this.personYears.lockRegionYearBatch(tx, job.region, job.year, job.cursor, limit);
    if (!policy || snapshots.length === 0) return { last: undefined, count: 0, changed: 0 };
    const now = new Date();
    const before = snapshots.map((s) => s.state.revision);
    const after = await this.personYears.decideAndSave(
      tx,
      snapshots.map((snapshot) => ({
        key: snapshot.state.key,
        snapshot,
        command: { type: 'ApplyPolicyRevision' as const, data: { policy: { revision: policy.revision, terms: policy.terms } }, metadata: { now } },
        context: {},
      })),
    );
    const changed = after.filter((s, i) => s.revision !== before[i]).length;
    return { last: snapshots[snapshots.length - 1].streamId, count: snapshots.length, changed };
  }
}
