import { Controller, Get, Headers, Inject, Param } from '@nestjs/common';
import type { AnyEnvelope, Payment } from '@msb/contracts';
import { Caller, correlationIdFrom, CurrentCaller, idParam, Problem, recordAccess, RUNTIME, ServiceRuntime } from '@msb/platform';

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

/** Whose claim the history is about: the claim's person, from the claim or its person-year's decisions. */
function personOf(rows: Row[]): string {
  for (const r of rows)
    if (r.envelope.type === 'basic.ClaimSubmitted' || r.envelope.type === 'basic.ClaimCorrected') return r.envelope.data.claim.personId;
  const decided = rows.find((r) => r.type.endsWith('.PersonYearDecided'));
  return decided ? decided.subject.split(':')[1] : 'unknown';
}

@Controller()
export class ClaimHistoryController {
  constructor(@Inject(RUNTIME) private readonly runtime: ServiceRuntime) {}

  /** Every event about a claim from every agency, in recording order, with its hash, causation and leaf index (GET /entries/{index}). */
  @Get('claims/:claimId/history')
  async history(
    @Param('claimId') claimId: string,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentCaller() caller: Caller,
  ) {
    const id = idParam('claimId', claimId);
    const rows = await this.runtime.db.query<Row>(
      `SELECT l.seq, l.leaf_index, l.event_id, l.type, l.source, l.subject, l.event_time, l.recorded_at, l.correlation_id, l.causation_id, l.envelope, l.hash
       FROM audit_claims c JOIN audit_log l ON l.seq = c.seq WHERE c.claim_id = $1
       ORDER BY l.event_time,
                CASE WHEN l.type LIKE 'basic.Claim%' THEN 0 WHEN l.type = 'basic.PersonYearDecided' THEN 1
                     WHEN l.type = 'critical-illness.PersonYearDecided' THEN 2 ELSE 3 END,
                l.seq`,
      [id],
    );
    if (rows.length === 0) throw Problem.notFound(`the audit log has no event about claim ${id}`);
    await recordAccess(this.runtime.db, caller, {
      action: 'GET /claims/:claimId/history',
      resource: `claim-history:${id}`,
      personId: personOf(rows),
      correlationId: correlationIdFrom(headers),
    });
    return {
      claimId: id,
      events: rows.map((r) => ({
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
    };
  }
}
