import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The claims search (GET /claims) reads in (submitted_at, claim_id) order from a cursor: a
 * keyset scan, one index per way it is narrowed — a hospital's claims, a person's, a region's
 * (an officer's regions, one scan each, merged).
 */
export class ClaimSearch1732400000170 implements MigrationInterface {
  name = 'ClaimSearch1732400000170';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX claims_hospital_received ON claims (hospital_id, submitted_at, claim_id)');
    await q.query('CREATE INDEX claims_person_received ON claims (person_id, submitted_at, claim_id)');
    await q.query('CREATE INDEX claims_region_received ON claims (region, submitted_at, claim_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX claims_region_received');
    await q.query('DROP INDEX claims_person_received');
    await q.query('DROP INDEX claims_hospital_received');
  }
}
