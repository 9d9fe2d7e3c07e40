import { Controller, Get, Inject, Param } from '@nestjs/common';
import { money, print, sum } from '@msb/money';
import { idParam, Problem, regionYearParams, RUNTIME, ServiceRuntime } from '@msb/platform';
import { CriticalIllnessPersonYears } from '../person-years/ci-person-year.repository';
import type { CiPersonYearState } from '../person-years/ci-person-year.decider';

/** The 大病 person-year: cumulative base, threshold (tilted or not), entitlement, what was paid per claim. */
@Controller()
export class CriticalIllnessLedgerController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly personYears: CriticalIllnessPersonYears,
  ) {}

  @Get('ledgers/:region/:personId/:year')
  async ledger(@Param('region') region: string, @Param('personId') personId: string, @Param('year') year: string) {
    const p = regionYearParams(region, year);
    const key = { region: p.region, personId: idParam('personId', personId), year: p.year };
    const [row] = await this.runtime.db.query<{ state: CiPersonYearState; parked: boolean }>(
      'SELECT state, parked FROM person_years WHERE stream_id = $1',
      [this.personYears.streamId(key)],
    );
    if (!row) throw Problem.notFound(`大病 has no person-year ${key.region}/${key.personId}/${key.year}`);
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
