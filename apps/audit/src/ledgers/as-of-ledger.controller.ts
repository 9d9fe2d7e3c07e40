import { Controller, Get, Headers, Inject, Param, Query } from '@nestjs/common';
import type { AnyEnvelope } from '@msb/contracts';
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
    const rows = await this.runtime.db.query<{ type: keyof typeof PAYERS; event_id: string; event_time: Date; envelope: AnyEnvelope }>(
      `SELECT DISTINCT ON (type) type, event_id, event_time, envelope FROM audit_log
       WHERE subject = $1 AND type = ANY($2::text[]) AND event_time <= $3
       ORDER BY type, event_time DESC, seq DESC`,
      [`${p.region}:${person}:${p.year}`, Object.keys(PAYERS), at],
    );
    if (rows.length === 0) throw Problem.notFound(`nothing was decided for ${p.region}/${person}/${p.year} by ${at.toISOString()}`);
    const claims = new Map<
      string,
      { claimId: string; version: number; status: string; basic: string; criticalIllness: string; assistance: string }
    >();
    const payers: Record<string, unknown> = {};
    for (const r of rows) {
      const payer = PAYERS[r.type];
      const data = r.envelope.data as { revision: number; claims: Record<string, unknown>[] };
      const amounts = data.claims.map((c) => money(c[payer] as string));
      payers[payer] = {
        revision: data.revision,
        decidedAt: r.event_time.toISOString(),
        eventId: r.event_id,
        paid: print(amounts.length ? sum(amounts) : ZERO),
      };
      for (const c of data.claims) {
        const id = c.claimId as string;
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
