import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether a person-year holds upstream decisions that came after a gap (a missing revision):
 * it decides nothing until the missing one arrives. Kept beside `parked` so /status counts it
 * without reading the snapshots.
 */
export class PersonYearHeld1732400000500 implements MigrationInterface {
  name = 'PersonYearHeld1732400000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE person_years ADD COLUMN held boolean NOT NULL DEFAULT false');
    await q.query('CREATE INDEX person_years_held ON person_years (stream_id) WHERE held');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE person_years DROP COLUMN held');
  }
}
