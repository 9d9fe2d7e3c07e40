import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which hospital a claim belongs to, on the slip's claim row: a hospital may write and read
 * only its own claims. Taken for recorded claims from the person-year snapshot's claim.
 */
export class ClaimHospital1732400000130 implements MigrationInterface {
  name = 'ClaimHospital1732400000130';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE claims ADD COLUMN hospital_id text');
    await q.query(`
      UPDATE claims c SET hospital_id = p.state::jsonb #>> ARRAY['claims', c.claim_id, 'claim', 'hospital', 'id']
      FROM person_years p WHERE p.stream_id = c.stream_id`);
    await q.query('ALTER TABLE claims ALTER COLUMN hospital_id SET NOT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE claims DROP COLUMN hospital_id');
  }
}
