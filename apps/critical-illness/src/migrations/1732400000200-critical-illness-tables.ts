import { MigrationInterface, QueryRunner } from 'typeorm';

/** critical-illness (大病保险, run by the insurer): policies, person-years, grants for the tilt, the fund's payments. */
export class CriticalIllnessTables1732400000200 implements MigrationInterface {
  name = 'CriticalIllnessTables1732400000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE policies (
        region text NOT NULL,
        year integer NOT NULL,
        revision integer NOT NULL,
        content_hash text NOT NULL,
        policy jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (region, year, revision)
      )`);
    await q.query(`
      CREATE TABLE person_years (
        stream_id text PRIMARY KEY,
        region text NOT NULL,
        person_id text NOT NULL,
        year integer NOT NULL,
        version integer NOT NULL,
        revision integer NOT NULL,
        parked boolean NOT NULL DEFAULT false,
        state jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX person_years_region_year ON person_years (region, year, stream_id)');
    await q.query('CREATE INDEX person_years_person ON person_years (person_id)');
    await q.query('CREATE INDEX person_years_parked ON person_years (region, year) WHERE parked');
    await q.query(`
      CREATE TABLE persons (
        person_id text PRIMARY KEY,
        eligibility_revision integer NOT NULL DEFAULT 0,
        grants jsonb NOT NULL DEFAULT '[]'
      )`);
    await q.query(`
      CREATE TABLE payments (
        id bigserial PRIMARY KEY,
        region text NOT NULL,
        year integer NOT NULL,
        person_id text NOT NULL,
        claim_id text NOT NULL,
        version integer NOT NULL,
        kind text NOT NULL,
        amount numeric(16,2) NOT NULL,
        reason text NOT NULL,
        at timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX payments_region_year ON payments (region, year)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE payments; DROP TABLE persons; DROP TABLE person_years; DROP TABLE policies;');
  }
}
