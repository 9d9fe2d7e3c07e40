import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hospital registry (定点医疗机构): every change of a hospital's record is a new revision of
 * the whole registry (one counter), never an edit; a decision names the registry revision it
 * was made on.
 */
export class HospitalRegistry1732400000150 implements MigrationInterface {
  name = 'HospitalRegistry1732400000150';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE hospital_revisions (
        revision integer PRIMARY KEY,
        hospital_id text NOT NULL,
        content_hash text NOT NULL,
        record jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX hospital_revisions_hospital ON hospital_revisions (hospital_id, revision DESC)');
    await q.query('CREATE INDEX claims_hospital_year ON claims (hospital_id, region, year)');
    // basic's figures of a claim beyond its amount: 全自费, the deductible it bore, the items not in the catalogue
    await q.query('ALTER TABLE claims ADD COLUMN basic_figures jsonb');
    // the transaction that recorded an adjustment: a feed read by id serves only ids no open transaction can still precede
    await q.query('ALTER TABLE adjustments ADD COLUMN tx xid8 NOT NULL DEFAULT pg_current_xact_id()');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE adjustments DROP COLUMN tx');
    await q.query('ALTER TABLE claims DROP COLUMN basic_figures');
    await q.query('DROP INDEX claims_hospital_year');
    await q.query('DROP TABLE hospital_revisions');
  }
}
