import type { Payment, PersonYearRef } from '@msb/contracts';
import type { Tx } from '@msb/eventing';
import type { Decided } from './person-year.repository';

/**
 * A payer's payment record: every settlement and adjustment it decided, one row each, for
 * its ledgers, fund reports and statements to hospitals (对账). Table payments(region, year,
 * person_id, claim_id, version, kind, amount, reason, at, hospital_id); `hospitalOf` reads the
 * claim's hospital from the person-year's state after the decision (undefined: unknown).
 */
export function paymentsProjection<S, E extends { type: string; data: unknown }>(
  isPayment: (e: E) => e is E & { data: Payment },
  hospitalOf: (state: S, claimId: string) => string | undefined,
) {
  return async (tx: Tx, decided: Decided<S, E>[]): Promise<void> => {
    const rows: { key: PersonYearRef; p: Payment; at: Date; hospitalId: string | null }[] = [];
    for (const { key, state, events, at } of decided)
      for (const e of events) if (isPayment(e)) rows.push({ key, p: e.data, at, hospitalId: hospitalOf(state, e.data.claimId) ?? null });
    if (rows.length === 0) return;
    await tx.execute(
      `INSERT INTO payments (region, year, person_id, claim_id, version, kind, amount, reason, at, hospital_id)
       SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::int[], $6::text[], $7::numeric[], $8::text[], $9::timestamptz[], $10::text[])`,
      [
        rows.map((r) => r.key.region),
        rows.map((r) => r.key.year),
        rows.map((r) => r.key.personId),
        rows.map((r) => r.p.claimId),
        rows.map((r) => r.p.version),
        rows.map((r) => r.p.kind),
        rows.map((r) => r.p.amount),
        rows.map((r) => r.p.reason),
        rows.map((r) => r.at),
        rows.map((r) => r.hospitalId),
      ],
    );
  };
}
