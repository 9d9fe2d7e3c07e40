import { Injectable } from '@nestjs/common';
import { FundSettled, personKey, sameJson, TOPICS } from '@msb/contracts';
import { appendToStream, enqueue, envelope, Tx } from '@msb/eventing';

/** One year-end settlement as kept: the event's figures and the last payment row they counted. */
export interface FundSettlementRecord {
  settlement: FundSettled;
  /** payments.id of the last payment counted ("0": none); later rows are post-close adjustments. */
  paymentsThrough: string;
}

type Query = Pick<Tx, 'query'>;

/**
 * Two closes are the same when they counted the same payments and agree on every figure, the
 * contract revision and the declared policy loss (their revision and time aside): closing again
 * with nothing changed is no new revision.
 */
export function sameClose(a: FundSettlementRecord, b: FundSettlementRecord): boolean {
  const { revision: _ra, settledAt: _sa, ...x } = a.settlement;
  const { revision: _rb, settledAt: _sb, ...y } = b.settlement;
  return a.paymentsThrough === b.paymentsThrough && sameJson(x, y);
}

/**
 * The 大病 fund's year-end settlements (年度清算) of each region-year, revision by revision: every
 * close is a new row (never an edit), an event in the fund's stream, and critical-illness.FundSettled
 * in the outbox for the basic fund, which books the latest revision.
 */
@Injectable()
export class FundSettlements {
  async latest(db: Query, region: string, year: number): Promise<FundSettlementRecord | undefined> {
    const [row] = await db.query<Row>(
      'SELECT settlement, payments_through::text AS through FROM fund_settlements WHERE region = $1 AND year = $2 ORDER BY revision DESC LIMIT 1',
      [region, year],
    );
    return row && { settlement: row.settlement, paymentsThrough: row.through };
  }

  /** Every revision of the region-year, newest first. */
  async history(db: Query, region: string, year: number): Promise<FundSettlementRecord[]> {
    const rows = await db.query<Row>(
      'SELECT settlement, payments_through::text AS through FROM fund_settlements WHERE region = $1 AND year = $2 ORDER BY revision DESC',
      [region, year],
    );
    return rows.map((row) => ({ settlement: row.settlement, paymentsThrough: row.through }));
  }

  /** Record the next revision, in the caller's transaction (which holds the region-year's lock), and publish it through the outbox. */
  async record(tx: Tx, record: FundSettlementRecord, correlationId: string): Promise<void> {
    const s = record.settlement;
    await tx.execute(
      `INSERT INTO fund_settlements (region, year, revision, contract_revision, payments_through, settlement, settled_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [s.region, s.year, s.revision, s.contractRevision, record.paymentsThrough, JSON.stringify(s), s.settledAt],
    );
    const message = envelope({
      type: 'critical-illness.FundSettled',
      source: 'critical-illness',
      subject: `${s.region}:${s.year}`,
      data: s,
      time: new Date(s.settledAt),
      correlationId,
    });
    // the fund's stream: its version is the settlement's revision
    await appendToStream(tx, `critical-illness-fund:${s.region}:${s.year}`, s.revision - 1, [
      { type: 'FundSettled', data: s, eventId: message.id, metadata: { correlationId: message.correlationId } },
    ]);
    await enqueue(tx, [{ topic: TOPICS.criticalIllnessFunds, key: personKey(s.region, '*'), envelope: message }]);
  }
}

interface Row {
  settlement: FundSettled;
  through: string;
}
