import { MigrationInterface, QueryRunner } from 'typeorm';

/** medical-assistance (医疗救助, civil affairs): eligibility grants and the revision of each person. */
export class AssistanceTables1732400000300 implements MigrationInterface {
  name = 'AssistanceTables1732400000300';

  async up(q: QueryRunner): Promise<void> {
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
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE grants; DROP TABLE persons;');
  }
}
