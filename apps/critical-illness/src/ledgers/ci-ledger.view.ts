import { Inject, Injectable } from '@nestjs/common';
import type { PersonYearRef } from '@msb/contracts';
import { money, print, sum } from '@msb/money';
import { RUNTIME, ServiceRuntime } from '@msb/platform';
import type { CiPersonYearState } from '../person-years/ci-person-year.decider';
import { CriticalIllnessPersonYears } from '../person-years/ci-person-year.repository';

/**
 * The 大病 person-year from the decider's snapshot: cumulative base, threshold (tilted or not),
 * entitlement, what was paid per claim. Undefined when 大病 has no such person-year.
 */
@Injectable()
export class CriticalIllnessLedgerView {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly personYears: CriticalIllnessPersonYears,
  ) {}

  async ledger(key: PersonYearRef) {
    const [row] = await this.runtime.db.query<{ state: CiPersonYearState; parked: boolean }>(
      'SELECT state, parked FROM person_years WHERE stream_id = $1',
      [this.personYears.streamId(key)],
    );
    if (!row) return undefined;
    const s = row.state;
    const decided = s.decided;
    return {
      ...key,
      parked: row.parked,
      revision: s.revision,
      basicRevision: decided?.basicRevision ?? null,
      eligibilityRevision: decided?.eligibilityRevision ?? null,
      policyRevision: s.policyRevision || null,
      base: decided?.base ?? '0.00',
      threshold: decided?.threshold ?? null,
      tilted: decided?.tilted ?? false,
      entitlement: decided?.entitlement ?? '0.00',
      paid: print(sum(Object.values(s.paid).map((x) => money(x.paid)))),
      claims: (decided?.claims ?? []).map((c) => ({ ...c, paid: s.paid[c.claimId]?.paid ?? '0.00' })),
    };
  }
}
