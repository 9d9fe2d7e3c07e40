import { MigrationInterface, QueryRunner } from 'typeorm';

/** critical-illness (大病保险, run by the insurer): grants for the tilt (its payments: PaymentRecord). */
export class CriticalIllnessTables1732400000200 implements MigrationInterface {
  name = 'CriticalIllnessTables1732400000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE persons (
        person_id text PRIMARY KEY,
        eligibility_revision integer NOT NULL DEFAULT 0,
        grants jsonb NOT NULL DEFAULT '[]'
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE persons;');
  }
}
