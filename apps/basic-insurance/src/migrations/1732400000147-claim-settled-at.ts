import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a claim's slip first showed SETTLED: set once, by the transaction that applied the
 * deciding downstream decision (settled-claims.projection.ts), for the POST→SETTLED latency.
 * Claims already settled are given their last update's time, so that none of them is taken
 * for newly settled (and observed with a made-up latency) after the upgrade.
 */
export class ClaimSettledAt1732400000147 implements MigrationInterface {
  name = 'ClaimSettledAt1732400000147';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE claims ADD COLUMN settled_at timestamptz');
    await q.query(`
      UPDATE claims c SET settled_at = c.updated_at FROM slip_person_years p
      WHERE p.stream_id = c.stream_id AND c.status = 'LIVE'
        AND p.ci_basic_revision = p.basic_revision AND p.assistance_basic_revision = p.basic_revision AND p.assistance_ci_revision = p.ci_revision`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE claims DROP COLUMN settled_at');
  }
}
