import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The 大病 fund's account (单独核算): the contract of each region-year, revision by revision like
 * the policies (fund_contracts), and each year-end settlement (年度清算), every one a new revision
 * with the figures as of then (fund_settlements). `payments_through` is the last payment row the
 * settlement counted: later rows are the post-close adjustments a re-settlement takes in.
 */
export class FundAccount1732400000220 implements MigrationInterface {
  name = 'FundAccount1732400000220';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE fund_contracts (
        region text NOT NULL,
        year integer NOT NULL,
        revision integer NOT NULL,
        content_hash text NOT NULL,
        contract jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (region, year, revision)
      )`);
    await q.query(`
      CREATE TABLE fund_settlements (
        region text NOT NULL,
        year integer NOT NULL,
        revision integer NOT NULL,
        contract_revision integer NOT NULL,
        payments_through bigint NOT NULL,
        settlement jsonb NOT NULL,
        settled_at timestamptz NOT NULL,
        PRIMARY KEY (region, year, revision)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE fund_settlements');
    await q.query('DROP TABLE fund_contracts');
  }
}
