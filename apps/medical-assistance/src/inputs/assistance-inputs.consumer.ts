import { Injectable } from '@nestjs/common';
import type { PersonYearRef } from '@msb/contracts';
import type { Consumed, Tx } from '@msb/eventing';
import { EligibilityStore } from '@msb/platform';
import type { AssistanceCommand } from '../person-years/assistance-person-year.decider';
import { AssistancePersonYears } from '../person-years/assistance-person-year.repository';
import { AssistancePolicies } from '../policies/assistance-policy.store';

/**
 * What assistance consumes: basic's revisions (to know what is latest) and 大病's decisions,
 * a chunk at a time, every person-year decided in one pass.
 */
@Injectable()
export class AssistanceInputs {
  constructor(
    private readonly policies: AssistancePolicies,
    private readonly eligibility: EligibilityStore,
    private readonly personYears: AssistancePersonYears,
  ) {}

  async handleBatch(tx: Tx, messages: Consumed[]): Promise<void> {
    const relevant = messages.filter(
      ({ envelope: e }) => e.type === 'basic.PersonYearDecided' || e.type === 'critical-illness.PersonYearDecided',
    );
    const keyOf = ({ envelope: e }: Consumed) => (e.data as { personYear: PersonYearRef }).personYear;
    const keys = relevant.map(keyOf);
    if (keys.length === 0) return;
    const policies = await this.policies.inForce(tx, keys);
    const eligibility = await this.eligibility.read(
      tx,
      keys.map((k) => k.personId),
    );
    const snapshots = await this.personYears.lock(tx, keys);
    const now = new Date();
    await this.personYears.decideAndSave(
      tx,
      relevant.map((m) => {
        const key = keyOf(m);
        const policy = policies.get(`${key.region}|${key.year}`);
        const inForce = {
          policy: policy && { revision: policy.revision, terms: policy.terms },
          eligibility: eligibility.get(key.personId)!,
        };
        const e = m.envelope;
        const command: AssistanceCommand =
          e.type === 'basic.PersonYearDecided'
            ? { type: 'RecordBasicRevision', data: { ...inForce, basicRevision: e.data.revision } }
            : {
                type: 'RecordCriticalIllnessDecision',
                data: { ...inForce, decision: e.data as Extract<typeof e, { type: 'critical-illness.PersonYearDecided' }>['data'] },
              };
        return {
          key,
          snapshot: snapshots.get(this.personYears.streamId(key)),
          command,
          now,
          context: { correlationId: e.correlationId, causationId: e.id },
        };
      }),
    );
  }
}
