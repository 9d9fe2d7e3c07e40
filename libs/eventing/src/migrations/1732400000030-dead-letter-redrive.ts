import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A dead letter keeps what re-driving it needs: the message as it was consumed (key, value,
 * headers, its type when it decoded) and the state of its re-drives (OPEN until a retry applies
 * it, then RESOLVED, kept for audit). Rows recorded before this have no message and cannot be
 * re-driven from here (their `<topic>.dlt` copy can).
 */
export class DeadLetterRedrive1732400000030 implements MigrationInterface {
  name = 'DeadLetterRedrive1732400000030';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE dead_letters
        ADD COLUMN message_type text,
        ADD COLUMN message_key bytea,
        ADD COLUMN message_value bytea,
        ADD COLUMN message_headers jsonb,
        ADD COLUMN status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'RESOLVED')),
        ADD COLUMN retries integer NOT NULL DEFAULT 0,
        ADD COLUMN last_retry_at timestamptz,
        ADD COLUMN last_retry_reason text,
        ADD COLUMN last_retry_detail text,
        ADD COLUMN resolved_at timestamptz`);
    await q.query(`CREATE INDEX dead_letters_open ON dead_letters (topic, id) WHERE status = 'OPEN'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX dead_letters_open;
      ALTER TABLE dead_letters
        DROP COLUMN message_type, DROP COLUMN message_key, DROP COLUMN message_value, DROP COLUMN message_headers,
        DROP COLUMN status, DROP COLUMN retries, DROP COLUMN last_retry_at, DROP COLUMN last_retry_reason,
        DROP COLUMN last_retry_detail, DROP COLUMN resolved_at`);
  }
}
