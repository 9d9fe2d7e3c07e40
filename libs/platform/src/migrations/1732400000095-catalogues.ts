import { MigrationInterface, QueryRunner } from 'typeorm';

/** A payer's catalogue of each region-year (医保目录; 大病's admitted codes), revision by revision, like its policies. */
export class Catalogues1732400000095 implements MigrationInterface {
  name = 'Catalogues1732400000095';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE catalogues (
        region text NOT NULL,
        year integer NOT NULL,
        revision integer NOT NULL,
        content_hash text NOT NULL,
        catalogue jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (region, year, revision)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE catalogues');
  }
}
