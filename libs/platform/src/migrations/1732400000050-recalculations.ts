import { MigrationInterface, QueryRunner } from 'typeorm';

/** Bulk recalculations of a region-year after a policy revision: resumable, with progress. */
export class Recalculations1732400000050 implements MigrationInterface {
  name = 'Recalculations1732400000050';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE recalculations (
        id bigserial PRIMARY KEY,
        region text NOT NULL,
        year integer NOT NULL,
        policy_revision integer NOT NULL,
        status text NOT NULL DEFAULT 'PENDING',
        cursor text NOT NULL DEFAULT '',
        total integer,
        processed integer NOT NULL DEFAULT 0,
        changed integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX recalculations_open ON recalculations (id) WHERE status IN ('PENDING', 'RUNNING')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE recalculations');
  }
}
