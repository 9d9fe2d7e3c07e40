import { Injectable } from '@nestjs/common';
import { contentHash, Envelope, personKey, PersonYearRef, TOPICS } from '@msb/contracts';
import { claimTotal, claimFromWire } from '@msb/settlement';
import { enqueue, envelope, NewEvent, OutgoingMessage, personYearStreamId, Snapshot, SnapshotStore, Tx } from '@msb/eventing';
import { print } from '@msb/money';
import { BasicCommand, BasicEvent, BasicPersonYearState, decide, DecisionRejected, evolve, initialState } from './basic-person-year.decider';
import { Problem } from '@msb/platform';

export const SOURCE = 'basic-insurance';

export interface CommandContext {
  correlationId?: string;
  causationId?: string | null;
}

export const streamIdOf = (key: PersonYearRef): string => personYearStreamId('basic', key);

/**
 * Runs the basic decider against stored person-years: lock the snapshot, decide, append
 * the events, update the slip read model and put the integration events in the outbox,
 * all in the caller's transaction.
 */
@Injectable()
export class BasicPersonYears {
  private readonly store = new SnapshotStore<BasicPersonYearState>();

  async lock(tx: Tx, keys: PersonYearRef[]): Promise<Map<string, Snapshot<BasicPersonYearState>>> {
    return this.store.lock(tx, keys.map(streamIdOf));
  }

  lockRegionYearBatch(tx: Tx, region: string, year: number, cursor: string, limit: number) {
    return this.store.lockRegionYearBatch(tx, region, year, cursor, limit);
  }

  /** Decide one command on one person-year. */
  async execute(tx: Tx, key: PersonYearRef, command: BasicCommand, context: CommandContext): Promise<BasicPersonYearState> {
    const snapshots = await this.lock(tx, [key]);
    try {
      const [after] = await this.decideAndSave(tx, [{ key, snapshot: snapshots.get(streamIdOf(key)), command, context }]);
      return after;
    } catch (error) {
      if (error instanceof DecisionRejected) throw error.code === 'UNKNOWN_CLAIM' ? Problem.notFound(error.message) : Problem.conflict(error.message);
      throw error;
    }
  }

  /** Decide a command on each of several locked person-years, saved together. */
  async decideAndSave(
    tx: Tx,
    items: { key: PersonYearRef; snapshot: Snapshot<BasicPersonYearState> | undefined; command: BasicCommand; context: CommandContext }[],
  ): Promise<BasicPersonYearState[]> {
    const changes = [];
    const outgoing: OutgoingMessage[] = [];
    const results: BasicPersonYearState[] = [];
    const touched: { state: BasicPersonYearState; events: BasicEvent[]; at: Date }[] = [];
    for (const { key, snapshot, command, context } of items) {
      const before = snapshot?.state ?? initialState(key);
      const events = decide(command, before);
      const after = events.reduce(evolve, before);
      results.push(after);
      if (events.length === 0) continue;
      const stored: NewEvent[] = [];
      for (const event of events) {
        const message = this.toMessage(event, key, command.metadata.now, context);
        if (message) outgoing.push(message);
        stored.push({ type: event.type, data: event.data, eventId: message?.envelope.id, metadata: { correlationId: message?.envelope.correlationId ?? context.correlationId, causationId: context.causationId ?? null } });
      }
      changes.push({ streamId: streamIdOf(key), key, expectedVersion: snapshot?.version ?? 0, events: stored, state: after, revision: after.revision, parked: false });
      touched.push({ state: after, events, at: command.metadata.now });
    }
    await this.store.save(tx, changes);
    await this.project(tx, touched);
    await enqueue(tx, outgoing);
    return results;
  }

  private toMessage(event: BasicEvent, key: PersonYearRef, now: Date, context: CommandContext): OutgoingMessage | undefined {
    const base = { source: SOURCE, time: now, correlationId: context.correlationId, causationId: context.causationId ?? null };
    const k = personKey(key.region, key.personId);
    let env: Envelope | undefined;
    let topic: string = TOPICS.basicClaims;
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
        topic = TOPICS.basicDecisions;
        env = envelope({ ...base, type: 'basic.PersonYearDecided', subject: `${key.region}:${key.personId}:${key.year}`, data: event.data });
        break;
      default:
        return undefined;
    }
    return { topic, key: k, envelope: env };
  }

  /** The slip read model: one row per claim, plus the adjustment history. */
  private async project(tx: Tx, touched: { state: BasicPersonYearState; events: BasicEvent[]; at: Date }[]): Promise<void> {
    const rows: unknown[][] = [[], [], [], [], [], [], [], [], [], [], [], [], []];
    const adjustments: unknown[][] = [[], [], [], [], []];
    for (const { state, events, at } of touched) {
      const decided = new Map(state.decided.map((d) => [d.claimId, d]));
      for (const record of Object.values(state.claims)) {
        const claim = claimFromWire(record.claim, record.version);
        const d = decided.get(record.claim.claimId);
        const values = [
          record.claim.claimId,
          streamIdOf(state.key),
          state.key.region,
          state.key.personId,
          state.key.year,
          record.version,
          record.status,
          record.claim.serviceDate,
          record.claim.visitType,
          print(claimTotal(claim)),
          d && d.status === 'LIVE' ? d.policyScope : null,
          state.paid[record.claim.claimId]?.paid ?? '0.00',
          contentHash(record.claim),
        ];
        values.forEach((v, i) => rows[i].push(v));
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
}
