import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The claims of a region-year in person order, straight from the log (精准测算 reads a region-year
 * person by person): each claim version indexed by the person-year it belongs to, which a claim
 * never leaves (a correction cannot move it), then by log order. A partial index over the claim
 * versions only (a reversal is found by its subject, the claim id); the log itself is unchanged.
 */
export class AuditPersonYearIndex1732400000440 implements MigrationInterface {
  name = 'AuditPersonYearIndex1732400000440';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX audit_log_claim_person_year ON audit_log (
        (envelope->'data'->'claim'->>'region'), (envelope->'data'->>'year'), (envelope->'data'->'claim'->>'personId'), seq)
      WHERE type IN ('basic.ClaimSubmitted', 'basic.ClaimCorrected')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX audit_log_claim_person_year');
  }
}
