import { MigrationInterface, QueryRunner } from 'typeorm';

/** A payer's record of every settlement and adjustment it decided (paymentsProjection). */
export class PaymentRecord1732400000070 implements MigrationInterface {
  name = 'PaymentRecord1732400000070';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE payments (
        id bigserial PRIMARY KEY,
        region text NOT NULL,
        year integer NOT NULL,
        person_id text NOT NULL,
        claim_id text NOT NULL,
        version integer NOT NULL,
        kind text NOT NULL,
        amount numeric(16,2) NOT NULL,
        reason text NOT NULL,
        at timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX payments_region_year ON payments (region, year)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE payments');
  }
}
