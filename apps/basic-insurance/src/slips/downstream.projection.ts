import { Injectable } from '@nestjs/common';
import { AssistancePersonYearDecided, CriticalIllnessPersonYearDecided, releasable } from '@msb/contracts';
import { ConcurrencyError, type Consumed, type Tx } from '@msb/eventing';
import { streamIdOf } from '../person-years/basic-person-year.stream';
import { AdjustmentRow, ColumnTypes, recordAdjustments, unnest } from './slip.projection';
import { notifySettledSlips, recordSettledClaims } from './settled-claims.projection';

type Decision = CriticalIllnessPersonYearDecided | AssistancePersonYearDecided;

/** A decision as consumed, with the time it was made. */
interface Arrival<D extends Decision> {
  data: D;
  at: Date;
}

/** How one downstream payer's person-year decision shows on the slip. */
interface DownstreamPayer<D extends Decision, S extends { streamId: string }> {
  payer: 'criticalIllness' | 'assistance';
  /** Its column in slip_person_years: the revision the slip shows. */
  revisionColumn: 'ci_revision' | 'assistance_revision';
  /** Its amount column in claims. */
  amountColumn: 'critical_illness' | 'assistance';
  /** What slip_person_years keeps of the decision: the revisions it decided on, for the slip's status. */
  shown: (decision: D) => S;
  shownTypes: ColumnTypes<S>;
  /** What it pays on each claim the decision changed. */
  paid: (decision: D) => ClaimPaid[];
}

interface ClaimPaid {
  claimId: string;
  amount: string;
}

const CLAIM_PAID_TYPES: ColumnTypes<ClaimPaid> = { claimId: 'text', amount: 'numeric' };

interface CriticalIllnessShown {
  streamId: string;
  ciRevision: number;
  ciBasicRevision: number;
  /** 倾斜: the lowered threshold for people in need. */
  tilted: boolean;
}

const CRITICAL_ILLNESS: DownstreamPayer<CriticalIllnessPersonYearDecided, CriticalIllnessShown> = {
  payer: 'criticalIllness',
  revisionColumn: 'ci_revision',
  amountColumn: 'critical_illness',
  shown: (d) => ({ streamId: streamIdOf(d.personYear), ciRevision: d.revision, ciBasicRevision: d.basicRevision, tilted: d.tilted }),
  shownTypes: { streamId: 'text', ciRevision: 'int', ciBasicRevision: 'int', tilted: 'boolean' },
  paid: (d) => d.claims.map((c) => ({ claimId: c.claimId, amount: c.criticalIllness })),
};

interface AssistanceShown {
  streamId: string;
  assistanceRevision: number;
  assistanceBasicRevision: number;
  assistanceCiRevision: number;
  assistanceCategory: string | null;
}

const ASSISTANCE: DownstreamPayer<AssistancePersonYearDecided, AssistanceShown> = {
  payer: 'assistance',
  revisionColumn: 'assistance_revision',
  amountColumn: 'assistance',
  shown: (d) => ({
    streamId: streamIdOf(d.personYear),
    assistanceRevision: d.revision,
    assistanceBasicRevision: d.basicRevision,
    assistanceCiRevision: d.criticalIllnessRevision,
    assistanceCategory: d.category,
  }),
  shownTypes: {
    streamId: 'text',
    assistanceRevision: 'int',
    assistanceBasicRevision: 'int',
    assistanceCiRevision: 'int',
    assistanceCategory: 'text',
  },
  paid: (d) => d.claims.map((c) => ({ claimId: c.claimId, amount: c.assistance })),
};

/** The revisions one payer's applied decisions put on the slip rows, written last (showRevisions). */
interface SlipUpdate {
  streams: string[];
  sql: string;
  params: unknown[][];
}

/** A decision that reached the slip after a gap, as slip_held_decisions keeps it. */
interface HeldRow {
  stream_id: string;
  decision: Decision;
  decided_at: Date;
}

/**
 * The slip shows all three payers: 大病's and assistance's person-year decisions, consumed
 * from Kafka a chunk at a time, fill in their revisions, amounts and adjustment history.
 * A decision carries only the claims it changed, so they apply in revision order, each after
 * the one it follows: a revision already shown (or older) changes nothing; one after a gap is
 * kept in slip_held_decisions, and applied with the ones after it once the missing one arrives
 * (meanwhile the slip shows the last revision it could apply). Only person-years basic has
 * decided (a slip_person_years row) are shown; their rows are locked, in stream_id order, only to
 * write the revisions at the end (showRevisions). A person-year
 * whose slip is then settled is announced at commit (notifySettledSlips) to the requests waiting
 * for it (Prefer: wait, slip-settled.waiter.ts).
 */
@Injectable()
export class DownstreamDecisions {
  async handleBatch(tx: Tx, messages: Consumed[]): Promise<void> {
    const criticalIllness: Arrival<CriticalIllnessPersonYearDecided>[] = [];
    const assistance: Arrival<AssistancePersonYearDecided>[] = [];
    for (const { envelope: e } of messages) {
      if (e.type === 'critical-illness.PersonYearDecided') criticalIllness.push({ data: e.data, at: new Date(e.time) });
      else if (e.type === 'assistance.PersonYearDecided') assistance.push({ data: e.data, at: new Date(e.time) });
    }
    const updates = [await this.apply(tx, CRITICAL_ILLNESS, criticalIllness), await this.apply(tx, ASSISTANCE, assistance)].filter(
      (u): u is SlipUpdate => u !== undefined,
    );
    await this.showRevisions(tx, updates);
    const touched = [...criticalIllness, ...assistance].map((d) => streamIdOf(d.data.personYear));
    await recordSettledClaims(tx, touched);
    await notifySettledSlips(tx, touched);
  }

  /**
   * The slip rows take the revisions applied, last in the transaction: the rows locked in
   * stream_id order (the intake's order) only now, so that the intake, which writes the same rows
   * with basic's revision, waits for these few statements and not for the whole chunk. Each row
   * must still show the revision this transaction read (an unlocked read): if another
   * transaction moved it meanwhile (two owners of a partition during a rebalance), this one is
   * tried again from the start.
   */
  private async showRevisions(tx: Tx, updates: SlipUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    const streams = [...new Set(updates.flatMap((u) => u.streams))].sort();
    await tx.query('SELECT stream_id FROM slip_person_years WHERE stream_id = ANY($1::text[]) ORDER BY stream_id FOR UPDATE', [streams]);
    for (const u of updates) {
      const updated = await tx.execute(u.sql, u.params);
      if (updated !== u.streams.length) throw new ConcurrencyError('a slip row moved while its downstream decisions were applied');
    }
  }

  private async apply<D extends Decision, S extends { streamId: string }>(
    tx: Tx,
    payer: DownstreamPayer<D, S>,
    decisions: Arrival<D>[],
  ): Promise<SlipUpdate | undefined> {
    if (decisions.length === 0) return undefined;
    const streamOf = (d: Arrival<D>) => streamIdOf(d.data.personYear);
    const streams = [...new Set(decisions.map(streamOf))];
    const shown = new Map(
      (
        await tx.query<{ stream_id: string; revision: number }>(
          `SELECT stream_id, ${payer.revisionColumn} AS revision FROM slip_person_years WHERE stream_id = ANY($1::text[])`,
          [streams],
        )
      ).map((r) => [r.stream_id, r.revision]),
    );
    const known = streams.filter((s) => shown.has(s));
    if (known.length === 0) return undefined;
    const held = await tx.query<HeldRow>(
      'SELECT stream_id, decision, decided_at FROM slip_held_decisions WHERE payer = $1 AND stream_id = ANY($2::text[]) ORDER BY stream_id, revision',
      [payer.payer, known],
    );
    // per person-year: what was held before, then what arrived (a revision once), newer than the slip shows
    const pools = new Map<string, Map<number, Arrival<D> & { wasHeld: boolean }>>();
    for (const r of held)
      this.pool(pools, r.stream_id).set(r.decision.revision, { data: r.decision as D, at: r.decided_at, wasHeld: true });
    for (const d of decisions) {
      const pool = shown.has(streamOf(d)) ? this.pool(pools, streamOf(d)) : undefined;
      if (pool && !pool.has(d.data.revision)) pool.set(d.data.revision, { ...d, wasHeld: false });
    }
    const applied: Arrival<D>[] = [];
    const newlyHeld: Arrival<D>[] = [];
    const released: { streamId: string; upTo: number }[] = [];
    for (const [streamId, pool] of pools) {
      const candidates = [...pool.values()].map((a) => ({ ...a, revision: a.data.revision, previousRevision: a.data.previousRevision }));
      const { apply, held: rest } = releasable(shown.get(streamId)!, candidates);
      applied.push(...apply);
      newlyHeld.push(...rest.filter((a) => !a.wasHeld));
      if (apply.length > 0) released.push({ streamId, upTo: apply[apply.length - 1].data.revision });
    }
    await this.hold(tx, payer.payer, released, newlyHeld);
    if (applied.length === 0) return undefined;
    const latest = [...new Map(applied.map((d) => [streamOf(d), d.data])).values()];

    const personYears = unnest(
      latest.map((d) => ({ ...payer.shown(d), readRevision: shown.get(streamIdOf(d.personYear))! })),
      { ...payer.shownTypes, readRevision: 'int' } as ColumnTypes<S & { readRevision: number }>,
    );
    const set = personYears.columns.filter((c) => c !== 'stream_id' && c !== 'read_revision').map((c) => `${c} = x.${c}`);
    const update: SlipUpdate = {
      streams: latest.map((d) => streamIdOf(d.personYear)),
      sql: `UPDATE slip_person_years p SET ${set.join(', ')} FROM ${personYears.from}
            WHERE p.stream_id = x.stream_id AND p.${payer.revisionColumn} = x.read_revision`,
      params: personYears.params,
    };

    // each claim's amount from the newest applied decision that changed it
    const paid = [...new Map(applied.flatMap((d) => payer.paid(d.data)).map((c) => [c.claimId, c])).values()];
    if (paid.length > 0) {
      const claims = unnest(paid, CLAIM_PAID_TYPES);
      await tx.execute(
        `UPDATE claims SET ${payer.amountColumn} = x.amount, updated_at = now() FROM ${claims.from} WHERE claims.claim_id = x.claim_id`,
        claims.params,
      );
    }

    await recordAdjustments(
      tx,
      applied.flatMap(({ data, at }) =>
        data.payments
          .filter((p) => p.kind === 'ADJUSTED')
          .map((p): AdjustmentRow => ({
            claimId: p.claimId,
            payer: payer.payer,
            version: p.version,
            amount: p.amount,
            reason: p.reason,
            at,
          })),
      ),
    );
    return update;
  }

  private pool<V>(pools: Map<string, Map<number, V>>, streamId: string): Map<number, V> {
    let pool = pools.get(streamId);
    if (!pool) pools.set(streamId, (pool = new Map()));
    return pool;
  }

  /** Forget what was applied (and anything older), keep what now waits for a missing revision. */
  private async hold<D extends Decision>(
    tx: Tx,
    payer: DownstreamPayer<D, { streamId: string }>['payer'],
    released: { streamId: string; upTo: number }[],
    held: Arrival<D>[],
  ): Promise<void> {
    if (released.length > 0) {
      await tx.execute(
        `DELETE FROM slip_held_decisions h USING unnest($2::text[], $3::int[]) AS x(stream_id, up_to)
         WHERE h.payer = $1 AND h.stream_id = x.stream_id AND h.revision <= x.up_to`,
        [payer, released.map((r) => r.streamId), released.map((r) => r.upTo)],
      );
    }
    if (held.length === 0) return;
    await tx.execute(
      `INSERT INTO slip_held_decisions (stream_id, payer, revision, previous_revision, decision, decided_at)
       SELECT s, $1, r, p, d, t FROM unnest($2::text[], $3::int[], $4::int[], $5::json[], $6::timestamptz[]) AS x(s, r, p, d, t)
       ON CONFLICT DO NOTHING`,
      [
        payer,
        held.map((h) => streamIdOf(h.data.personYear)),
        held.map((h) => h.data.revision),
        held.map((h) => h.data.previousRevision),
        held.map((h) => JSON.stringify(h.data)),
        held.map((h) => h.at),
      ],
    );
  }
}
