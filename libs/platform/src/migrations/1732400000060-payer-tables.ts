import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What every payer keeps the same way: its section of the region-year policies, revision by
 * revision (PolicyStore), and its person-year snapshots beside their event streams
 * (SnapshotStore). Each payer's own migration adds what is its alone.
 */
export class PayerTables1732400000060 implements MigrationInterface {
  name = 'PayerTables1732400000060';

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
        state json NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX person_years_region_year ON person_years (region, year, stream_id)');
    await q.query('CREATE INDEX person_years_person ON person_years (person_id)');
    await q.query('CREATE INDEX person_years_parked ON person_years (region, year) WHERE parked');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE person_years; DROP TABLE policies;');
  }
}
