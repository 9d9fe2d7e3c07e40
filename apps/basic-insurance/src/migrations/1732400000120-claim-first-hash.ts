import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The basic decider now tells a repeated submission (same content as the claim's first
 * version: no change) from a reused claim id (a conflict) by itself, so every recorded claim in
 * a person-year snapshot carries `firstHash`, taken here from the slip's first_hash.
 */
export class ClaimFirstHash1732400000120 implements MigrationInterface {
  name = 'ClaimFirstHash1732400000120';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE person_years p SET state = jsonb_set(p.state::jsonb, '{claims}', (
        SELECT coalesce(jsonb_object_agg(e.key, CASE WHEN c.first_hash IS NULL THEN e.value ELSE e.value || jsonb_build_object('firstHash', c.first_hash) END), '{}'::jsonb)
        FROM jsonb_each(p.state::jsonb -> 'claims') AS e(key, value) LEFT JOIN claims c ON c.claim_id = e.key
      ))::json
      WHERE p.state::jsonb -> 'claims' <> '{}'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE person_years p SET state = jsonb_set(p.state::jsonb, '{claims}', (
        SELECT coalesce(jsonb_object_agg(e.key, e.value - 'firstHash'), '{}'::jsonb) FROM jsonb_each(p.state::jsonb -> 'claims') AS e(key, value)
      ))::json
      WHERE p.state::jsonb -> 'claims' <> '{}'::jsonb`);
  }
}
