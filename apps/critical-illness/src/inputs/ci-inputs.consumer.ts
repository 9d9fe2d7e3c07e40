import { Injectable } from '@nestjs/common';
import type { BasicPersonYearDecided, EligibilityChanged, Envelope, PersonYearRef } from '@msb/contracts';
import type { Consumed, Tx } from '@msb/eventing';
import { EligibilityStore } from '@msb/platform';
import { CiCommand } from '../person-years/ci-person-year.decider';
import { CriticalIllnessPersonYears } from '../person-years/ci-person-year.repository';
import { CriticalIllnessPolicies } from '../policies/ci-policy.store';
import { CriticalIllnessCatalogues } from '../catalogue/ci-catalogue.store';

type Change = 'ELIGIBILITY_GRANTED' | 'ELIGIBILITY_REVOKED';

/**
 * What 大病 consumes: basic's person-year decisions and civil affairs' eligibility changes, a
 * chunk at a time: newer eligibility revisions stored first, then every person-year the chunk
 * touches decided in one pass (policies, eligibility windows and snapshots each read once).
 */
@Injectable()
export class CriticalIllnessInputs {
  constructor(
    private readonly policies: CriticalIllnessPolicies,
    private readonly catalogues: CriticalIllnessCatalogues,
    private readonly eligibility: EligibilityStore,
    private readonly personYears: CriticalIllnessPersonYears,
  ) {}

  async handleBatch(tx: Tx, messages: Consumed[]): Promise<void> {
    const decisions: Envelope<BasicPersonYearDecided>[] = [];
    const changes = new Map<string, { envelope: Envelope<EligibilityChanged>; change: Change }>();
    for (const { envelope } of messages) {
      if (envelope.type === 'basic.PersonYearDecided') decisions.push(envelope);
      else if (envelope.type === 'assistance.EligibilityGranted' || envelope.type === 'assistance.EligibilityRevoked') {
        // v2 windows, or v1 grant lists upcast to windows on decoding: 大病 stores nothing else
        const d = envelope.data;
        if (await this.eligibility.record(tx, d.personId, d.eligibilityRevision, d.windows)) {
          changes.set(d.personId, {
            envelope,
            change: envelope.type === 'assistance.EligibilityGranted' ? 'ELIGIBILITY_GRANTED' : 'ELIGIBILITY_REVOKED',
          });
        }
      }
    }
    // every person-year of a person whose eligibility changed, in every region and year (tilt)
    const affected = changes.size
      ? await tx.query<{ region: string; person_id: string; year: number }>(
          'SELECT region, person_id, year FROM person_years WHERE person_id = ANY($1::text[]) ORDER BY stream_id',
          [[...changes.keys()]],
        )
      : [];
    const keys: PersonYearRef[] = [
      ...decisions.map((e) => e.data.personYear),
      ...affected.map((r) => ({ region: r.region, personId: r.person_id, year: r.year })),
    ];
    if (keys.length === 0) return;
    const policies = await this.policies.inForce(tx, keys);
    const catalogues = await this.catalogues.inForce(tx, keys);
    const eligibility = await this.eligibility.read(
      tx,
      keys.map((k) => k.personId),
    );
    const snapshots = await this.personYears.lock(tx, keys);
    const now = new Date();
    const inForce = (key: PersonYearRef) => {
      const policy = policies.get(`${key.region}|${key.year}`);
      const catalogue = catalogues.get(`${key.region}|${key.year}`);
      return {
        policy: policy && { revision: policy.revision, terms: policy.terms },
        catalogue: catalogue && { revision: catalogue.revision, covered: catalogue.terms },
        eligibility: eligibility.get(key.personId)!,
      };
    };
    const item = (key: PersonYearRef, command: CiCommand, envelope: Envelope<unknown>) => ({
      key,
      snapshot: snapshots.get(this.personYears.streamId(key)),
      command,
      now,
      context: { correlationId: envelope.correlationId, causationId: envelope.id },
    });
    await this.personYears.decideAndSave(tx, [
      ...decisions.map((e) =>
        item(e.data.personYear, { type: 'RecordBasicDecision', data: { ...inForce(e.data.personYear), decision: e.data } }, e),
      ),
      ...affected.map((r) => {
        const key = { region: r.region, personId: r.person_id, year: r.year };
        const { envelope, change } = changes.get(r.person_id)!;
        return item(key, { type: 'ApplyEligibility', data: { ...inForce(key), change, grantId: envelope.data.grantId } }, envelope);
      }),
    ]);
  }
}
