import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The record of a recalculation's batches: which person-years (after which cursor, up to which)
 * which instance recomputed. A batch is keyed by its job and the cursor it started from, so the
 * same stretch of a region-year can be recomputed, and recorded, only once per job.
 */
export class RecalculationBatches1732400000090 implements MigrationInterface {
  name = 'RecalculationBatches1732400000090';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE recalculation_batches (
        job_id bigint NOT NULL REFERENCES recalculations (id),
        after_cursor text NOT NULL,
        last_cursor text NOT NULL,
        count integer NOT NULL,
        changed integer NOT NULL,
        instance text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (job_id, after_cursor)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE recalculation_batches');
  }
}
