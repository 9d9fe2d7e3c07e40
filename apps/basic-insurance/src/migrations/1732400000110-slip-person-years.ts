import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The slip's person-years move out of the snapshot store: which revision of each payer the
 * one-stop slip (一站式结算单) shows is kept in slip_person_years, owned by the slip read
 * model, and person_years is again only the decider's snapshots.
 */
export class SlipPersonYears1732400000110 implements MigrationInterface {
  name = 'SlipPersonYears1732400000110';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE slip_person_years (
        stream_id text PRIMARY KEY,
        region text NOT NULL,
        person_id text NOT NULL,
        year integer NOT NULL,
        -- the revisions the slip shows, and those 大病 and assistance decided on (for the slip's status)
        basic_revision integer NOT NULL DEFAULT 0,
        ci_revision integer NOT NULL DEFAULT 0,
        ci_basic_revision integer NOT NULL DEFAULT 0,
        assistance_revision integer NOT NULL DEFAULT 0,
        assistance_basic_revision integer NOT NULL DEFAULT 0,
        assistance_ci_revision integer NOT NULL DEFAULT 0,
        tilted boolean NOT NULL DEFAULT false,
        assistance_category text
      )`);
    await q.query(`
      INSERT INTO slip_person_years (stream_id, region, person_id, year, basic_revision, ci_revision, ci_basic_revision,
        assistance_revision, assistance_basic_revision, assistance_ci_revision, tilted, assistance_category)
      SELECT stream_id, region, person_id, year, revision, ci_revision, ci_basic_revision,
        assistance_revision, assistance_basic_revision, assistance_ci_revision, tilted, assistance_category
      FROM person_years`);
    await q.query(
      'ALTER TABLE person_years DROP COLUMN ci_revision, DROP COLUMN ci_basic_revision, DROP COLUMN assistance_revision, DROP COLUMN assistance_basic_revision, DROP COLUMN assistance_ci_revision, DROP COLUMN tilted, DROP COLUMN assistance_category',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE person_years
        ADD COLUMN ci_revision integer NOT NULL DEFAULT 0,
        ADD COLUMN ci_basic_revision integer NOT NULL DEFAULT 0,
        ADD COLUMN assistance_revision integer NOT NULL DEFAULT 0,
        ADD COLUMN assistance_basic_revision integer NOT NULL DEFAULT 0,
        ADD COLUMN assistance_ci_revision integer NOT NULL DEFAULT 0,
        ADD COLUMN tilted boolean NOT NULL DEFAULT false,
        ADD COLUMN assistance_category text`);
    // basic's revision stays the snapshot's own (person_years.revision)
    await q.query(`
      UPDATE person_years p SET ci_revision = s.ci_revision, ci_basic_revision = s.ci_basic_revision,
        assistance_revision = s.assistance_revision, assistance_basic_revision = s.assistance_basic_revision,
        assistance_ci_revision = s.assistance_ci_revision, tilted = s.tilted, assistance_category = s.assistance_category
      FROM slip_person_years s WHERE p.stream_id = s.stream_id`);
    await q.query('DROP TABLE slip_person_years');
  }
}
