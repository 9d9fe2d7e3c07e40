import { Inject, Injectable } from '@nestjs/common';
import type { PersonYearRef } from '@msb/contracts';
import { money, print, sum } from '@msb/money';
import { RUNTIME, ServiceRuntime } from '@msb/platform';
import type { AssistancePersonYearState } from '../person-years/assistance-person-year.decider';
import { waitingFor } from '../person-years/assistance-person-year.decider';
import { AssistancePersonYears } from '../person-years/assistance-person-year.repository';

/**
 * The assistance person-year from the decider's snapshot and the person's current eligibility
 * revision: category, cumulative base, entitlement, what was paid per claim. Undefined when
 * assistance has no such person-year.
 */
@Injectable()
export class AssistanceLedgerView {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly personYears: AssistancePersonYears,
  ) {}

  async ledger(key: PersonYearRef) {
    const [row] = await this.runtime.db.query<{ state: AssistancePersonYearState; parked: boolean; eligibility_revision: number | null }>(
      `SELECT py.state, py.parked, pe.eligibility_revision FROM person_years py LEFT JOIN persons pe ON pe.person_id = py.person_id WHERE py.stream_id = $1`,
      [this.personYears.streamId(key)],
    );
    if (!row) return undefined;
    const s = row.state;
    const d = s.decided;
    return {
      ...key,
      parked: row.parked,
      waitingFor: waitingFor(s, row.eligibility_revision ?? 0),
      revision: s.revision,
      basicRevision: d?.basicRevision ?? null,
      criticalIllnessRevision: d?.criticalIllnessRevision ?? null,
      eligibilityRevision: d?.eligibilityRevision ?? null,
      policyRevision: s.policyRevision || null,
      category: d?.category ?? null,
      base: d?.base ?? '0.00',
      entitlement: d?.entitlement ?? '0.00',
      paid: print(sum(Object.values(s.paid).map((x) => money(x.paid)))),
      claims: (d?.claims ?? []).map((c) => ({ ...c, paid: s.paid[c.claimId]?.paid ?? '0.00' })),
    };
  }
}
