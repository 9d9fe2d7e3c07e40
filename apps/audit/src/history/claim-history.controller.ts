import { Controller, Get, Headers, Inject, Param, Query } from '@nestjs/common';
import type { AnyEnvelope, Payment } from '@msb/contracts';
import {
  Caller,
  correlationIdFrom,
  CurrentCaller,
  idParam,
  pageOf,
  pageRequest,
  Problem,
  recordAccess,
  RUNTIME,
  ServiceRuntime,
} from '@msb/platform';
import { z } from 'zod';

interface Row {
  seq: string;
  leaf_index: string;
  event_id: string;
  type: string;
  source: string;
  subject: string;
  event_time: Date;
  recorded_at: Date;
  correlation_id: string;
  causation_id: string | null;
  envelope: AnyEnvelope;
  hash: string;
}

/** What an event says about one claim: its figures and payments in that event. */
function aboutClaim(envelope: AnyEnvelope, claimId: string): Record<string, unknown> {
  switch (envelope.type) {
    case 'basic.ClaimSubmitted':
    case 'basic.ClaimCorrected':
      return { version: envelope.data.version, items: envelope.data.claim.items.length, serviceDate: envelope.data.claim.serviceDate };
    case 'basic.ClaimReversed':
      return { version: envelope.data.version, reason: envelope.data.reason };
    case 'basic.PersonYearDecided':
    case 'critical-illness.PersonYearDecided':
    case 'assistance.PersonYearDecided': {
      const claim = (envelope.data.claims as { claimId: string }[]).find((c) => c.claimId === claimId);
      const payments = (envelope.data.payments as Payment[]).filter((p) => p.claimId === claimId);
      return { revision: envelope.data.revision, cause: envelope.data.cause, claim, payments };
    }
    default:
      return {};
  }
}

/** Whose claim the history is about: the claim's person, from the claim or its person-year's decisions (undefined: these rows do not say). */
function personOf(rows: Pick<Row, 'type' | 'subject' | 'envelope'>[]): string | undefined {
  for (const r of rows)
    if (r.envelope.type === 'basic.ClaimSubmitted' || r.envelope.type === 'basic.ClaimCorrected') return r.envelope.data.claim.personId;
  const decided = rows.find((r) => r.type.endsWith('.PersonYearDecided'));
  return decided ? decided.subject.split(':')[1] : undefined;
}

/** The order of a claim's history: by event time, then the claim's own events before basic's, 大病's and assistance's decisions, then log order. */
const RANK = `CASE WHEN l.type LIKE 'basic.Claim%' THEN 0 WHEN l.type = 'basic.PersonYearDecided' THEN 1
                   WHEN l.type = 'critical-illness.PersonYearDecided' THEN 2 ELSE 3 END`;

/** A page's key: the last event's time (µs since the epoch), its rank and its seq. */
const historyKey = z.tuple([z.string().regex(/^-?[0-9]{1,19}$/), z.number().int().min(0).max(3), z.string().regex(/^[1-9][0-9]{0,18}$/)]);

@Controller()
export class ClaimHistoryController {
  constructor(@Inject(RUNTIME) private readonly runtime: ServiceRuntime) {}

  /**
   * Every event about a claim from every agency, in order, with its hash, causation and leaf
   * index (GET /entries/{index}), a page at a time (`limit`, `cursor`; keyset on the order).
   */
  @Get('claims/:claimId/history')
  async history(
    @Param('claimId') claimId: string,
    @Query() query: Record<string, unknown>,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentCaller() caller: Caller,
  ) {
    const id = idParam('claimId', claimId);
    const page = pageRequest(query, historyKey);
    const after = page.after ?? null;
    const rows = await this.runtime.db.query<Row & { at_us: string; rank: number }>(
      `SELECT l.seq, l.leaf_index, l.event_id, l.type, l.source, l.subject, l.event_time, l.recorded_at, l.correlation_id, l.causation_id, l.envelope, l.hash,
              ((extract(epoch FROM l.event_time) * 1000000)::bigint)::text AS at_us, ${RANK} AS rank
       FROM audit_claims c JOIN audit_log l ON l.seq = c.seq
       WHERE c.claim_id = $1
         AND ($2::bigint IS NULL OR (l.event_time, ${RANK}, l.seq) > (to_timestamp(0) + $2::bigint * interval '1 microsecond', $3::int, $4::bigint))
       ORDER BY l.event_time, ${RANK}, l.seq
       LIMIT $5`,
      [id, after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null, page.limit + 1],
    );
    const { items, nextCursor } = pageOf(rows, page, (r): z.infer<typeof historyKey> => [r.at_us, r.rank, r.seq]);
    // a page past the end of a known claim is empty; a claim the log has never heard of is not found
    const person = personOf(items) ?? (await this.personOfClaim(id));
    if (person === undefined) throw Problem.notFound(`the audit log has no event about claim ${id}`);
    await recordAccess(this.runtime.db, caller, {
      action: 'GET /claims/:claimId/history',
      resource: `claim-history:${id}`,
      personId: person,
      correlationId: correlationIdFrom(headers),
    });
    return {
      claimId: id,
      events: items.map((r) => ({
        seq: r.seq,
        index: Number(r.leaf_index),
        eventId: r.event_id,
        agency: r.source,
        type: r.type,
        time: r.event_time.toISOString(),
        recordedAt: r.recorded_at.toISOString(),
        correlationId: r.correlation_id,
        causationId: r.causation_id,
        hash: r.hash,
        ...aboutClaim(r.envelope, id),
      })),
      nextCursor,
    };
  }

  /** Whose claim it is, from its first claim event or decision in the log (undefined: the log knows no such claim). */
  private async personOfClaim(claimId: string): Promise<string | undefined> {
    const rows = await this.runtime.db.query<Row>(
      `SELECT l.type, l.subject, l.envelope FROM audit_claims c JOIN audit_log l ON l.seq = c.seq
       WHERE c.claim_id = $1 AND (l.type LIKE 'basic.Claim%' OR l.type LIKE '%.PersonYearDecided')
       ORDER BY l.type NOT IN ('basic.ClaimSubmitted', 'basic.ClaimCorrected'), l.seq LIMIT 1`,
      [claimId],
    );
    if (rows.length) return personOf(rows) ?? 'unknown';
    const [known] = await this.runtime.db.query('SELECT 1 FROM audit_claims WHERE claim_id = $1 LIMIT 1', [claimId]);
    return known ? 'unknown' : undefined;
  }
}
