import { Injectable } from '@nestjs/common';
import type { BasicPersonYearDecided, EligibilityChanged, Envelope, PersonYearRef } from '@msb/contracts';
import type { Tx } from '@msb/eventing';
import { grantFromWire } from '@msb/settlement';
import { CiCommand } from '../person-years/ci-person-year.decider';
import { CriticalIllnessPersonYears } from '../person-years/ci-person-years';
import { CriticalIllnessPolicies } from '../policies/ci-policies';
import { readEligibility, storeEligibility } from './persons';

/** What 大病 consumes: basic's person-year decisions and civil affairs' eligibility changes. */
@Injectable()
export class CriticalIllnessInputs {
  constructor(
    private readonly policies: CriticalIllnessPolicies,
    private readonly personYears: CriticalIllnessPersonYears,
  ) {}

  async basicDecided(tx: Tx, envelope: Envelope<BasicPersonYearDecided>): Promise<void> {
    const decision = envelope.data;
    const key = decision.personYear;
    await this.policies.lockShared(tx, key.region, key.year);
    const policy = await this.policies.latest(tx, key.region, key.year);
    const eligibility = (await readEligibility(tx, [key.personId])).get(key.personId)!;
    await this.personYears.execute(
      tx,
      key,
      { type: 'RecordBasicDecision', data: { decision, policy: policy && { revision: policy.revision, terms: policy.terms }, eligibility } },
      new Date(),
      { correlationId: envelope.correlationId, causationId: envelope.id },
    );
  }

  /** A grant or revocation: every person-year of the person is decided again (tilt), in every region and year. */
  async eligibilityChanged(tx: Tx, envelope: Envelope<EligibilityChanged>, change: 'ELIGIBILITY_GRANTED' | 'ELIGIBILITY_REVOKED'): Promise<void> {
    const { personId, eligibilityRevision, grantId } = envelope.data;
    const grants = envelope.data.grants.map(grantFromWire);
    if (!(await storeEligibility(tx, personId, eligibilityRevision, grants))) return;
    const keys = await tx.query<{ stream_id: string; region: string; year: number }>(
      'SELECT stream_id, region, year FROM person_years WHERE person_id = $1 ORDER BY stream_id',
      [personId],
    );
    if (keys.length === 0) return;
    const commands: { key: PersonYearRef; command: CiCommand }[] = [];
    for (const k of keys) {
      await this.policies.lockShared(tx, k.region, k.year);
      const policy = await this.policies.latest(tx, k.region, k.year);
      commands.push({
        key: { region: k.region, personId, year: k.year },
        command: {
          type: 'ApplyEligibility',
          data: { change, grantId, policy: policy && { revision: policy.revision, terms: policy.terms }, eligibility: { revision: eligibilityRevision, grants } },
        },
      });
    }
    const snapshots = await this.personYears.lockStreams(tx, keys.map((k) => k.stream_id));
    const now = new Date();
    await this.personYears.decideAndSave(
      tx,
      commands.map(({ key, command }) => ({
        key,
        snapshot: snapshots.get(this.personYears.streamId(key)),
        command,
        now,
        context: { correlationId: envelope.correlationId, causationId: envelope.id },
      })),
    );
  }
}
