import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hospital of each payment (对账): a payer's statement to a hospital sums its payments of a
 * month. Rows recorded before it have none and appear in no statement.
 */
export class PaymentHospital1732400000098 implements MigrationInterface {
  name = 'PaymentHospital1732400000098';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE payments ADD COLUMN hospital_id text');
    await q.query('CREATE INDEX payments_hospital_at ON payments (hospital_id, at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX payments_hospital_at');
    await q.query('ALTER TABLE payments DROP COLUMN hospital_id');
  }
}
