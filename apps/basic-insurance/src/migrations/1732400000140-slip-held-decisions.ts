import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 大病's and assistance's decisions that reached the slip after a gap (the revision before
 * them has not arrived): kept here, owned by the slip read model, until the missing one
 * arrives; then they are applied in revision order and removed.
 */
export class SlipHeldDecisions1732400000140 implements MigrationInterface {
  name = 'SlipHeldDecisions1732400000140';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE slip_held_decisions (
        stream_id text NOT NULL,
        payer text NOT NULL,
        revision integer NOT NULL,
        previous_revision integer NOT NULL,
        decision json NOT NULL,
        decided_at timestamptz NOT NULL,
        held_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (stream_id, payer, revision)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE slip_held_decisions');
  }
}
