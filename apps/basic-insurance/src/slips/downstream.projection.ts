import { Injectable } from '@nestjs/common';
import type { AssistancePersonYearDecided, CriticalIllnessPersonYearDecided, Payment } from '@msb/contracts';
import type { Consumed, Tx } from '@msb/eventing';
import { streamIdOf } from '../person-years/basic-person-year.repository';

type Payer = 'criticalIllness' | 'assistance';

interface Downstream {
  payer: Payer;
  data: CriticalIllnessPersonYearDecided | AssistancePersonYearDecided;
  at: Date;
}

const COLUMNS: Record<Payer, { revision: string; amount: string }> = {
  criticalIllness: { revision: 'ci_revision', amount: 'critical_illness' },
  assistance: { revision: 'assistance_revision', amount: 'assistance' },
};

/**
 * The slip shows all three payers: 大病's and assistance's person-year decisions, consumed
 * from Kafka a chunk at a time, fill in their columns and the adjustment history. Only
 * revisions newer than the one already shown are applied.
 */
@Injectable()
export class DownstreamDecisions {
  async handleBatch(tx: Tx, messages: Consumed[]): Promise<void> {
    const decisions: Downstream[] = [];
    for (const { envelope: e } of messages) {
      if (e.type === 'critical-illness.PersonYearDecided') decisions.push({ payer: 'criticalIllness', data: e.data, at: new Date(e.time) });
      else if (e.type === 'assistance.PersonYearDecided') decisions.push({ payer: 'assistance', data: e.data, at: new Date(e.time) });
    }
    for (const payer of ['criticalIllness', 'assistance'] as Payer[])
      await this.apply(
        tx,
        payer,
        decisions.filter((d) => d.payer === payer),
      );
  }

  private async apply(tx: Tx, payer: Payer, decisions: Downstream[]): Promise<void> {
    if (decisions.length === 0) return;
    const { revision: revisionColumn, amount } = COLUMNS[payer];
    const streams = [...new Set(decisions.map((d) => streamIdOf(d.data.personYear)))];
    const shown = new Map(
      (
        await tx.query<{ stream_id: string; revision: number }>(
          `SELECT stream_id, ${revisionColumn} AS revision FROM person_years WHERE stream_id = ANY($1::text[]) ORDER BY stream_id FOR UPDATE`,
          [streams],
        )
      ).map((r) => [r.stream_id, r.revision]),
    );
    // decisions newer than what the slip shows, in revision order; the newest per person-year sets the columns
    const newer = decisions
      .filter((d) => shown.has(streamIdOf(d.data.personYear)) && d.data.revision > shown.get(streamIdOf(d.data.personYear))!)
      .sort((a, b) => a.data.revision - b.data.revision);
    if (newer.length === 0) return;
    const latest = new Map(newer.map((d) => [streamIdOf(d.data.personYear), d]));
    const rows = [...latest.values()];
    if (payer === 'criticalIllness') {
      const ci = rows.map((r) => r.data as CriticalIllnessPersonYearDecided);
      await tx.execute(
        `UPDATE person_years p SET ci_revision = u.revision, ci_basic_revision = u.basic_revision, tilted = u.tilted
         FROM unnest($1::text[], $2::int[], $3::int[], $4::boolean[]) AS u(stream_id, revision, basic_revision, tilted) WHERE p.stream_id = u.stream_id`,
        [ci.map((d) => streamIdOf(d.personYear)), ci.map((d) => d.revision), ci.map((d) => d.basicRevision), ci.map((d) => d.tilted)],
      );
    } else {
      const a = rows.map((r) => r.data as AssistancePersonYearDecided);
      await tx.execute(
        `UPDATE person_years p SET assistance_revision = u.revision, assistance_basic_revision = u.basic_revision, assistance_ci_revision = u.ci_revision, assistance_category = u.category
         FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::text[]) AS u(stream_id, revision, basic_revision, ci_revision, category) WHERE p.stream_id = u.stream_id`,
        [
          a.map((d) => streamIdOf(d.personYear)),
          a.map((d) => d.revision),
          a.map((d) => d.basicRevision),
          a.map((d) => d.criticalIllnessRevision),
          a.map((d) => d.category),
        ],
      );
    }
    const amounts = rows.flatMap((r) =>
      (r.data.claims as { claimId: string; criticalIllness?: string; assistance?: string }[]).map(
        (c) => [c.claimId, payer === 'criticalIllness' ? c.criticalIllness! : c.assistance!] as const,
      ),
    );
    if (amounts.length > 0) {
      await tx.execute(
        `UPDATE claims SET ${amount} = x.amount, updated_at = now()
         FROM unnest($1::text[], $2::numeric[]) AS x(claim_id, amount) WHERE claims.claim_id = x.claim_id`,
        [amounts.map((a) => a[0]), amounts.map((a) => a[1])],
      );
    }
    const adjusted: (Payment & { at: Date })[] = newer.flatMap((d) =>
      d.data.payments.filter((p) => p.kind === 'ADJUSTED').map((p) => ({ ...p, at: d.at })),
    );
    if (adjusted.length > 0) {
      await tx.execute(
        `INSERT INTO adjustments (claim_id, payer, version, amount, reason, at)
         SELECT c, $1, v, a, r, t FROM unnest($2::text[], $3::int[], $4::numeric[], $5::text[], $6::timestamptz[]) AS x(c, v, a, r, t)`,
        [
          payer,
          adjusted.map((p) => p.claimId),
          adjusted.map((p) => p.version),
          adjusted.map((p) => p.amount),
          adjusted.map((p) => p.reason),
          adjusted.map((p) => p.at),
        ],
      );
    }
  }
}
