import { Injectable } from '@nestjs/common';
import type { AssistancePersonYearDecided, CriticalIllnessPersonYearDecided, Payment } from '@msb/contracts';
import type { Tx } from '@msb/eventing';
import { streamIdOf } from '../person-years/basic-person-years';

/**
 * The slip shows all three payers: 大病's and assistance's person-year decisions, consumed
 * from Kafka, fill in their columns and the adjustment history. Only a newer revision than
 * the one already shown is applied.
 */
@Injectable()
export class DownstreamDecisions {
  async recordCriticalIllness(tx: Tx, d: CriticalIllnessPersonYearDecided, at: Date): Promise<void> {
    const applied = await tx.execute(
      `UPDATE person_years SET ci_revision = $2, ci_basic_revision = $3, tilted = $4
       WHERE stream_id = $1 AND ci_revision < $2`,
      [streamIdOf(d.personYear), d.revision, d.basicRevision, d.tilted],
    );
    if (applied === 0) return;
    await this.setAmounts(tx, 'critical_illness', d.claims.map((c) => [c.claimId, c.criticalIllness]));
    await this.addAdjustments(tx, 'criticalIllness', d.payments, at);
  }

  async recordAssistance(tx: Tx, d: AssistancePersonYearDecided, at: Date): Promise<void> {
    const applied = await tx.execute(
      `UPDATE person_years SET assistance_revision = $2, assistance_basic_revision = $3, assistance_ci_revision = $4, assistance_category = $5
       WHERE stream_id = $1 AND assistance_revision < $2`,
      [streamIdOf(d.personYear), d.revision, d.basicRevision, d.criticalIllnessRevision, d.category],
    );
    if (applied === 0) return;
    await this.setAmounts(tx, 'assistance', d.claims.map((c) => [c.claimId, c.assistance]));
    await this.addAdjustments(tx, 'assistance', d.payments, at);
  }

  private async setAmounts(tx: Tx, column: 'critical_illness' | 'assistance', amounts: [string, string][]): Promise<void> {
    if (amounts.length === 0) return;
    await tx.execute(
      `UPDATE claims SET ${column} = x.amount, updated_at = now()
       FROM unnest($1::text[], $2::numeric[]) AS x(claim_id, amount) WHERE claims.claim_id = x.claim_id`,
      [amounts.map((a) => a[0]), amounts.map((a) => a[1])],
    );
  }

  private async addAdjustments(tx: Tx, payer: 'criticalIllness' | 'assistance', payments: Payment[], at: Date): Promise<void> {
    const adjusted = payments.filter((p) => p.kind === 'ADJUSTED');
    if (adjusted.length === 0) return;
    await tx.execute(
      `INSERT INTO adjustments (claim_id, payer, version, amount, reason, at)
       SELECT c, $1, v, a, r, $2 FROM unnest($3::text[], $4::int[], $5::numeric[], $6::text[]) AS x(c, v, a, r)`,
      [payer, at, adjusted.map((p) => p.claimId), adjusted.map((p) => p.version), adjusted.map((p) => p.amount), adjusted.map((p) => p.reason)],
    );
  }
}
