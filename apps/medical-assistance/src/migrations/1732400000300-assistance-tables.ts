import { MigrationInterface, QueryRunner } from 'typeorm';

/** medical-assistance (医疗救助, civil affairs): policies, eligibility grants, person-years, payments. */
export class AssistanceTables1732400000300 implements MigrationInterface {
  name = 'AssistanceTables1732400000300';

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
    await q.query('CREATE INDEX person_years_parked ON person_years (region, year) WHERE parked');
    await q.query(`
      CREATE TABLE persons (
        person_id text PRIMARY KEY,
        eligibility_revision integer NOT NULL DEFAULT 0
      )`);
    await q.query(`
      CREATE TABLE grants (
        grant_id text PRIMARY KEY,
        person_id text NOT NULL,
        category text NOT NULL,
        valid_from date NOT NULL,
        valid_to date,
        revoked boolean NOT NULL DEFAULT false,
        revoked_reason text,
        content_hash text NOT NULL,
        granted_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    await q.query('CREATE INDEX grants_person ON grants (person_id, grant_id)');
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
    await q.query('DROP TABLE payments; DROP TABLE grants; DROP TABLE persons; DROP TABLE person_years; DROP TABLE policies;');
  }
}
