import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbox rows that can never be published (larger than the broker takes) are moved here with
 * their reason by the relay, so that the rows after them go on; kept for an operator.
 */
export class OutboxSetAside1732400000020 implements MigrationInterface {
  name = 'OutboxSetAside1732400000020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox_set_aside (
        id bigint PRIMARY KEY,
        tx_id xid8 NOT NULL,
        topic text NOT NULL,
        message_key text NOT NULL,
        message_id uuid NOT NULL,
        payload text NOT NULL,
        size integer NOT NULL,
        reason text NOT NULL,
        created_at timestamptz NOT NULL,
        set_aside_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE outbox_set_aside');
  }
}
