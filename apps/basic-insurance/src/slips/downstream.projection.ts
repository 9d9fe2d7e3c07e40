import { Injectable } from '@nestjs/common';
import type { AssistancePersonYearDecided, CriticalIllnessPersonYearDecided } from '@msb/contracts';
import type { Consumed, Tx } from '@msb/eventing';
import { streamIdOf } from '../person-years/basic-person-year.stream';
import { AdjustmentRow, ColumnTypes, recordAdjustments, unnest } from './slip.projection';
import { recordSettledClaims } from './settled-claims.projection';

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
  /** What it pays on each claim of the person-year. */
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

/**
 * The slip shows all three payers: 大病's and assistance's person-year decisions, consumed
 * from Kafka a chunk at a time, fill in their revisions, amounts and adjustment history.
 * Only revisions newer than the one already shown are applied, and only to person-years
 * basic has decided (a slip_person_years row). Rows are locked in stream_id order.
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
    await this.apply(tx, CRITICAL_ILLNESS, criticalIllness);
    await this.apply(tx, ASSISTANCE, assistance);
    await recordSettledClaims(
      tx,
      [...criticalIllness, ...assistance].map((d) => streamIdOf(d.data.personYear)),
    );
  }

  private async apply<D extends Decision, S extends { streamId: string }>(
    tx: Tx,
    payer: DownstreamPayer<D, S>,
    decisions: Arrival<D>[],
  ): Promise<void> {
    if (decisions.length === 0) return;
    const streamOf = (d: Arrival<D>) => streamIdOf(d.data.personYear);
    const shown = new Map(
      (
        await tx.query<{ stream_id: string; revision: number }>(
          `SELECT stream_id, ${payer.revisionColumn} AS revision FROM slip_person_years WHERE stream_id = ANY($1::text[]) ORDER BY stream_id FOR UPDATE`,
          [[...new Set(decisions.map(streamOf))]],
        )
      ).map((r) => [r.stream_id, r.revision]),
    );
    // decisions newer than what the slip shows, in revision order; the newest per person-year sets the columns
    const newer = decisions
      .filter((d) => shown.has(streamOf(d)) && d.data.revision > shown.get(streamOf(d))!)
      .sort((a, b) => a.data.revision - b.data.revision);
    if (newer.length === 0) return;
    const latest = [...new Map(newer.map((d) => [streamOf(d), d.data])).values()];

    const personYears = unnest(latest.map(payer.shown), payer.shownTypes);
    const set = personYears.columns.filter((c) => c !== 'stream_id').map((c) => `${c} = x.${c}`);
    await tx.execute(
      `UPDATE slip_person_years p SET ${set.join(', ')} FROM ${personYears.from} WHERE p.stream_id = x.stream_id`,
      personYears.params,
    );

    const paid = latest.flatMap(payer.paid);
    if (paid.length > 0) {
      const claims = unnest(paid, CLAIM_PAID_TYPES);
      await tx.execute(
        `UPDATE claims SET ${payer.amountColumn} = x.amount, updated_at = now() FROM ${claims.from} WHERE claims.claim_id = x.claim_id`,
        claims.params,
      );
    }

    await recordAdjustments(
      tx,
      newer.flatMap(({ data, at }) =>
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
  }
}
