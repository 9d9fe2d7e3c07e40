import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 大病 keeps only what its tilt needs of a person's eligibility (PIPL art. 6): the windows
 * { category, validFrom, validTo? } of the grants in force, in place of the grant lists
 * (ids, revoked grants) it used to store. Backfilled from them; revoked grants are no window.
 */
export class EligibilityWindows1732400000210 implements MigrationInterface {
  name = 'EligibilityWindows1732400000210';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE persons ADD COLUMN windows jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`
      UPDATE persons p SET windows = w.windows
      FROM (
        SELECT person_id,
               jsonb_agg(w ORDER BY w->>'validFrom', w->>'validTo' NULLS LAST, w->>'category') AS windows
        FROM (
          SELECT DISTINCT person_id, jsonb_strip_nulls(jsonb_build_object(
                   'category', g->>'category', 'validFrom', g->>'validFrom', 'validTo', g->>'validTo')) AS w
          FROM persons, jsonb_array_elements(grants) AS g
          WHERE NOT coalesce((g->>'revoked')::boolean, false)
        ) spans
        GROUP BY person_id
      ) w
      WHERE w.person_id = p.person_id`);
    await q.query('ALTER TABLE persons DROP COLUMN grants');
  }

  /** Back to grant lists: each window a grant in force under a made-up id (the real ids are gone). */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE persons ADD COLUMN grants jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`
      UPDATE persons p SET grants = (
        SELECT coalesce(jsonb_agg(w || jsonb_build_object('grantId', p.person_id || '#window-' || i, 'personId', p.person_id, 'revoked', false)), '[]')
        FROM jsonb_array_elements(p.windows) WITH ORDINALITY AS t(w, i))`);
    await q.query('ALTER TABLE persons DROP COLUMN windows');
  }
}
