import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The claim facts of a region-year in person order, straight from the log (精准测算 reads a
 * region-year person by person): each claim version and each reversal indexed by the person-year
 * it belongs to, which a claim never leaves (a correction cannot move it). Partial indexes over
 * the claim events only; the log itself is unchanged.
 */
export class AuditPersonYearIndex1732400000440 implements MigrationInterface {
  name = 'AuditPersonYearIndex1732400000440';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX audit_log_claim_person_year ON audit_log (
        (envelope->'data'->'claim'->>'region'), (envelope->'data'->>'year'), (envelope->'data'->'claim'->>'personId'), seq)
      WHERE type IN ('basic.ClaimSubmitted', 'basic.ClaimCorrected')`);
    await q.query(`
      CREATE INDEX audit_log_reversal_person_year ON audit_log (
        (envelope->'data'->'personYear'->>'region'), (envelope->'data'->'personYear'->>'year'), (envelope->'data'->'personYear'->>'personId'), seq)
      WHERE type = 'basic.ClaimReversed'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX audit_log_reversal_person_year; DROP INDEX audit_log_claim_person_year;');
  }
}
