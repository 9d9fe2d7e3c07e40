import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Grants become revisioned: each grant keeps its current revision (1 when granted; an amendment
 * or a revocation is the next), when it was last amended, and the date a dated revocation took
 * effect (`revoked_from`: the grant ends the day before; NULL on a revoked grant: void from its
 * start). `grant_revisions` holds every revision's terms, appended, never edited; grants recorded
 * before are backfilled: revision 1 as granted, revision 2 for those already revoked (void).
 */
export class GrantRevisions1732400000320 implements MigrationInterface {
  name = 'GrantRevisions1732400000320';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE grants
        ADD COLUMN revision integer NOT NULL DEFAULT 1,
        ADD COLUMN amended_at timestamptz,
        ADD COLUMN revoked_from date`);
    await q.query(`
      CREATE TABLE grant_revisions (
        grant_id text NOT NULL,
        revision integer NOT NULL,
        change text NOT NULL,
        category text NOT NULL,
        valid_from date NOT NULL,
        valid_to date,
        revoked_from date,
        reason text,
        at timestamptz NOT NULL,
        PRIMARY KEY (grant_id, revision)
      )`);
    await q.query(`
      INSERT INTO grant_revisions (grant_id, revision, change, category, valid_from, valid_to, at)
      SELECT grant_id, 1, 'GRANTED', category, valid_from, valid_to, granted_at FROM grants`);
    await q.query(`
      INSERT INTO grant_revisions (grant_id, revision, change, category, valid_from, valid_to, reason, at)
      SELECT grant_id, 2, 'VOIDED', category, valid_from, valid_to, revoked_reason, coalesce(revoked_at, granted_at) FROM grants WHERE revoked`);
    await q.query('UPDATE grants SET revision = 2 WHERE revoked');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE grant_revisions');
    await q.query('ALTER TABLE grants DROP COLUMN revision, DROP COLUMN amended_at, DROP COLUMN revoked_from');
  }
}
