import { Controller, Get, Headers, Inject, Param, Query } from '@nestjs/common';
import { applyDecision, type AnyEnvelope, type DecidedClaim } from '@msb/contracts';
import { money, print, sum, ZERO } from '@msb/money';
import {
  Caller,
  correlationIdFrom,
  CurrentCaller,
  idParam,
  Problem,
  recordAccess,
  regionYearParams,
  RUNTIME,
  ServiceRuntime,
} from '@msb/platform';
import { CLAIM_ORDER } from '../analysis/decision-views.fold';
import { readLogged } from '../analysis/log.index';

const PAYERS = {
  'basic.PersonYearDecided': 'basic',
  'critical-illness.PersonYearDecided': 'criticalIllness',
  'assistance.PersonYearDecided': 'assistance',
} as const;

/** What each payer had paid for a person-year as known at a given time, from the log. */
@Controller()
export class AsOfLedgerController {
  constructor(@Inject(RUNTIME) private readonly runtime: ServiceRuntime) {}

  @Get('ledgers/:region/:personId/:year')
  async ledger(
    @Param('region') region: string,
    @Param('personId') personId: string,
    @Param('year') year: string,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentCaller() caller: Caller,
    @Query('asOf') asOf?: string,
  ) {
    const p = regionYearParams(region, year);
    const person = idParam('personId', personId);
    const at = asOf === undefined ? new Date() : new Date(asOf);
    if (Number.isNaN(at.getTime()))
      throw Problem.invalid('asOf must be an ISO-8601 time', [
        { path: '/query/asOf', message: 'must be a time such as 2024-06-30T00:00:00Z' },
      ]);
    // every decision of the person-year up to then, in log order: each holds only the claims it changed
    const rows = await this.runtime.db.query<{ type: keyof typeof PAYERS; event_id: string; event_time: Date; envelope: AnyEnvelope }>(
      `SELECT type, event_id, event_time, envelope FROM audit_log
       WHERE subject = $1 AND type = ANY($2::text[]) AND event_time <= $3
       ORDER BY seq`,
      [`${p.region}:${person}:${p.year}`, Object.keys(PAYERS), at],
    );
    if (rows.length === 0) throw Problem.notFound(`nothing was decided for ${p.region}/${person}/${p.year} by ${at.toISOString()}`);
    type Whole = { revision: number; claims: (DecidedClaim & Record<string, unknown>)[] };
    const folded = new Map<keyof typeof PAYERS, { data: Whole; eventId: string; decidedAt: Date }>();
    // in revision order (logged as published, an old version upcast): the latest view of each payer, whole
    const decisions = rows
      .map((r) => ({ ...r, data: readLogged(r.envelope).data as unknown as Whole }))
      .sort((a, b) => a.data.revision - b.data.revision);
    for (const r of decisions) {
      const before = folded.get(r.type);
      if (before && before.data.revision >= r.data.revision) continue; // the same revision logged twice
      folded.set(r.type, {
        data: applyDecision(before?.data ?? null, r.data, CLAIM_ORDER[PAYERS[r.type]]),
        eventId: r.event_id,
        decidedAt: r.event_time,
      });
    }
    const claims = new Map<
      string,
      { claimId: string; version: number; status: string; basic: string; criticalIllness: string; assistance: string }
    >();
    const payers: Record<string, unknown> = {};
    // basic first: the claims are listed in basic's order (service date, claim id)
    for (const type of Object.keys(PAYERS) as (keyof typeof PAYERS)[]) {
      const r = folded.get(type);
      if (!r) continue;
      const payer = PAYERS[type];
      const data = r.data;
      const amounts = data.claims.map((c) => money(c[payer] as string));
      payers[payer] = {
        revision: data.revision,
        decidedAt: r.decidedAt.toISOString(),
        eventId: r.eventId,
        paid: print(amounts.length ? sum(amounts) : ZERO),
      };
      for (const c of data.claims) {
        const id = c.claimId;
        const entry = claims.get(id) ?? {
          claimId: id,
          version: c.version as number,
          status: c.status as string,
          basic: '0.00',
          criticalIllness: '0.00',
          assistance: '0.00',
        };
        entry[payer] = c[payer] as string;
        if (payer === 'basic') {
          entry.version = c.version as number;
          entry.status = c.status as string;
        }
        claims.set(id, entry);
      }
    }
    await recordAccess(this.runtime.db, caller, {
      action: 'GET /ledgers/:region/:personId/:year',
      resource: `ledger:${p.region}/${person}/${p.year}@${at.toISOString()}`,
      personId: person,
      correlationId: correlationIdFrom(headers),
    });
    return { region: p.region, personId: person, year: p.year, asOf: at.toISOString(), payers, claims: [...claims.values()] };
  }
}
