import { Injectable } from '@nestjs/common';
import type { BasicPersonYearDecided, CriticalIllnessPersonYearDecided, Envelope, PersonYearRef } from '@msb/contracts';
import type { Tx } from '@msb/eventing';
import { Grants } from '../eligibility/grants';
import type { AssistanceCommand } from '../person-years/assistance-person-year.decider';
import { AssistancePersonYears } from '../person-years/assistance-person-years';
import { AssistancePolicies } from '../policies/assistance-policies';

/** What assistance consumes: basic's revisions (to know what is latest) and 大病's decisions. */
@Injectable()
export class AssistanceInputs {
  constructor(
    private readonly policies: AssistancePolicies,
    private readonly grants: Grants,
    private readonly personYears: AssistancePersonYears,
  ) {}

  basicDecided(tx: Tx, envelope: Envelope<BasicPersonYearDecided>): Promise<void> {
    return this.decide(tx, envelope, envelope.data.personYear, (facts) => ({ type: 'RecordBasicRevision', data: { ...facts, basicRevision: envelope.data.revision } }));
  }

  criticalIllnessDecided(tx: Tx, envelope: Envelope<CriticalIllnessPersonYearDecided>): Promise<void> {
    return this.decide(tx, envelope, envelope.data.personYear, (facts) => ({ type: 'RecordCriticalIllnessDecision', data: { ...facts, decision: envelope.data } }));
  }

  private async decide(
    tx: Tx,
    envelope: Envelope<unknown>,
    key: PersonYearRef,
    command: (facts: Pick<Extract<AssistanceCommand, { type: 'ApplyPolicyRevision' }>['data'], 'policy' | 'eligibility'>) => AssistanceCommand,
  ): Promise<void> {
    await this.policies.lockShared(tx, key.region, key.year);
    const policy = await this.policies.latest(tx, key.region, key.year);
    const eligibility = (await this.grants.eligibility(tx, [key.personId])).get(key.personId)!;
    await this.personYears.execute(tx, key, command({ policy: policy && { revision: policy.revision, terms: policy.terms }, eligibility }), new Date(), {
      correlationId: envelope.correlationId,
      causationId: envelope.id,
    });
  }
}
