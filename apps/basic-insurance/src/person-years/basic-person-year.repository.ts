import { Injectable } from '@nestjs/common';
import { contentHash, Envelope, personKey, PersonYearRef, TOPICS } from '@msb/contracts';
import { envelope, OutgoingMessage, personYearStreamId, Tx } from '@msb/eventing';
import { print } from '@msb/money';
import { CommandContext, Decided, PersonYearRepository, personYearDecisionMessage } from '@msb/platform';
import { claimFromWire, claimTotal } from '@msb/settlement';
import { BasicCommand, BasicEvent, BasicPersonYearState, decide, evolve, initialState } from './basic-person-year.decider';

export const SOURCE = 'basic-insurance';

export const streamIdOf = (key: PersonYearRef): string => personYearStreamId('basic', key);

function toMessage(event: BasicEvent, key: PersonYearRef, now: Date, context: CommandContext): OutgoingMessage | undefined {
  const base = { source: SOURCE, time: now, correlationId: context.correlationId, causationId: context.causationId ?? null };
  let env: Envelope;
  switch (event.type) {
    case 'ClaimSubmitted':
      env = envelope({ ...base, type: 'basic.ClaimSubmitted', subject: event.data.claim.claimId, data: event.data });
      break;
    case 'ClaimCorrected':
      env = envelope({ ...base, type: 'basic.ClaimCorrected', subject: event.data.claim.claimId, data: event.data });
      break;
    case 'ClaimReversed':
      env = envelope({ ...base, type: 'basic.ClaimReversed', subject: event.data.claimId, data: event.data });
      break;
    case 'PersonYearDecided':
      return personYearDecisionMessage(SOURCE, 'basic.PersonYearDecided', TOPICS.basicDecisions, key, event.data, now, context);
    default:
      return undefined;
  }
  return { topic: TOPICS.basicClaims, key: personKey(key.region, key.personId), envelope: env };
}

/** The slip read model: one row per claim, plus the adjustment history. */
async function project(tx: Tx, touched: Decided<BasicPersonYearState, BasicEvent>[]): Promise<void> {
  const rows: unknown[][] = Array.from({ length: 13 }, () => []);
  const adjustments: unknown[][] = Array.from({ length: 5 }, () => []);
  for (const { state, events, at } of touched) {
    const decided = new Map(state.decided.map((d) => [d.claimId, d]));
    for (const record of Object.values(state.claims)) {
      const d = decided.get(record.claim.claimId);
      [
        record.claim.claimId,
        streamIdOf(state.key),
        state.key.region,
        state.key.personId,
        state.key.year,
        record.version,
        record.status,
        record.claim.serviceDate,
        record.claim.visitType,
        print(claimTotal(claimFromWire(record.claim, record.version))),
        d && d.status === 'LIVE' ? d.policyScope : null,
        state.paid[record.claim.claimId]?.paid ?? '0.00',
        contentHash(record.claim),
      ].forEach((v, i) => rows[i].push(v));
    }
    for (const e of events) {
      if (e.type !== 'BasicAdjusted') continue;
      [e.data.claimId, e.data.version, e.data.amount, e.data.reason, at].forEach((v, i) => adjustments[i].push(v));
    }
  }
  if (rows[0].length > 0) {
    await tx.execute(
      `INSERT INTO claims (claim_id, stream_id, region, person_id, year, version, status, service_date, visit_type, total, policy_scope, basic, first_hash, latest_hash)
       SELECT c, s, r, p, y, v, st, sd, vt, t, coalesce(ps, 0), b, h, h
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::text[], $8::date[], $9::text[], $10::numeric[], $11::numeric[], $12::numeric[], $13::text[])
         AS x(c, s, r, p, y, v, st, sd, vt, t, ps, b, h)
       ON CONFLICT (claim_id) DO UPDATE SET
         version = EXCLUDED.version, status = EXCLUDED.status, service_date = EXCLUDED.service_date, visit_type = EXCLUDED.visit_type,
         total = EXCLUDED.total, policy_scope = CASE WHEN EXCLUDED.status = 'LIVE' THEN EXCLUDED.policy_scope ELSE claims.policy_scope END,
         basic = EXCLUDED.basic, latest_hash = EXCLUDED.latest_hash, updated_at = now()`,
      rows,
    );
  }
  if (adjustments[0].length > 0) {
    await tx.execute(
      `INSERT INTO adjustments (claim_id, payer, version, amount, reason, at)
       SELECT c, 'basic', v, a, r, t FROM unnest($1::text[], $2::int[], $3::numeric[], $4::text[], $5::timestamptz[]) AS x(c, v, a, r, t)`,
      adjustments,
    );
  }
}

/** The basic decider run against stored person-years, with the slip read model and the outbox. */
@Injectable()
export class BasicPersonYears extends PersonYearRepository<BasicPersonYearState, BasicCommand, BasicEvent> {
  constructor() {
    super(
      {
        payer: 'basic',
        initialState,
        decide,
        evolve,
        revisionOf: (s) => s.revision,
        parkedOf: () => false,
        toMessage,
      },
      project,
    );
  }
}
