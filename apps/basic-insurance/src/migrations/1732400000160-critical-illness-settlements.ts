import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The 大病 fund's year-end settlements as the basic fund books them (critical-illness.FundSettled):
 * one row per revision of a region-year, never edited; the fund report takes the latest revision,
 * which replaces the figures of the earlier ones (a re-settlement).
 */
export class CriticalIllnessSettlements1732400000160 implements MigrationInterface {
  name = 'CriticalIllnessSettlements1732400000160';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ci_fund_settlements (
        region text NOT NULL,
        year integer NOT NULL,
        revision integer NOT NULL,
        surplus_returned numeric(16,2) NOT NULL,
        basic_loss_share numeric(16,2) NOT NULL,
        policy_loss jsonb,
        settled_at timestamptz NOT NULL,
        event_id uuid NOT NULL,
        booked_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (region, year, revision)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ci_fund_settlements');
  }
}
