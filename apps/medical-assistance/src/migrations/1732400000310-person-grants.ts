import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The person's grants beside the eligibility revision (the shape grantFromWire gives, validTo
 * only when set), so that one store reads both with the row held: backfilled from grants.
 */
export class PersonGrants1732400000310 implements MigrationInterface {
  name = 'PersonGrants1732400000310';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE persons ADD COLUMN grants jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`
      UPDATE persons p SET grants = g.grants
      FROM (
        SELECT person_id,
               jsonb_agg(
                 jsonb_build_object(
                   'grantId', grant_id,
                   'personId', person_id,
                   'category', category,
                   'validFrom', to_char(valid_from, 'YYYY-MM-DD'),
                   'revoked', revoked
                 ) || CASE WHEN valid_to IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('validTo', to_char(valid_to, 'YYYY-MM-DD')) END
                 ORDER BY valid_from, grant_id
               ) AS grants
        FROM grants GROUP BY person_id
      ) g
      WHERE g.person_id = p.person_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE persons DROP COLUMN grants');
  }
}
