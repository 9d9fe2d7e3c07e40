import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each outbox row keeps the W3C trace context (`traceparent`, `tracestate`) of what caused its
 * message, and the relay sends it as Kafka headers. Nullable: rows written before, or without
 * a trace, are published without. The runtime role's grants on the outbox are table-wide
 * (SELECT, INSERT, DELETE), so they cover the new columns.
 */
export class OutboxTraceContext1732400000015 implements MigrationInterface {
  name = 'OutboxTraceContext1732400000015';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox ADD COLUMN traceparent text, ADD COLUMN tracestate text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox DROP COLUMN traceparent, DROP COLUMN tracestate');
  }
}
