import { Controller, Get, Inject, Param } from '@nestjs/common';
import { money, print, sum } from '@msb/money';
import { idParam, Problem, regionYearParams, RUNTIME, ServiceRuntime } from '@msb/platform';
import { AssistancePersonYears } from '../person-years/assistance-person-year.repository';
import type { AssistancePersonYearState } from '../person-years/assistance-person-year.decider';
import { waitingFor } from '../person-years/assistance-person-year.decider';

/** The assistance person-year: category, cumulative base, entitlement, what was paid per claim. */
@Controller()
export class AssistanceLedgerController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly personYears: AssistancePersonYears,
  ) {}

  @Get('ledgers/:region/:personId/:year')
  async ledger(@Param('region') region: string, @Param('personId') personId: string, @Param('year') year: string) {
    const p = regionYearParams(region, year);
    const key = { region: p.region, personId: idParam('personId', personId), year: p.year };
    const [row] = await this.runtime.db.query<{ state: AssistancePersonYearState; parked: boolean; eligibility_revision: number | null }>(
      `SELECT py.state, py.parked, pe.eligibility_revision FROM person_years py LEFT JOIN persons pe ON pe.person_id = py.person_id WHERE py.stream_id = $1`,
      [this.personYears.streamId(key)],
    );
    if (!row) throw Problem.notFound(`assistance has no person-year ${key.region}/${key.personId}/${key.year}`);
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
