import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log: every event of every agency, once, each entry hash-chained to the one
 * before it in its chain (one chain per topic partition, whose order Kafka fixes, so that
 * a rebuild from the topics gives the same chains).
 */
export class AuditTables1732400000400 implements MigrationInterface {
  name = 'AuditTables1732400000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        seq bigserial PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        chain text NOT NULL,
        chain_seq bigint NOT NULL,
        topic text NOT NULL,
        partition integer NOT NULL,
        "offset" bigint NOT NULL,
        type text NOT NULL,
        source text NOT NULL,
        subject text NOT NULL,
        event_time timestamptz NOT NULL,
        correlation_id text NOT NULL,
        causation_id text,
        envelope json NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT audit_log_chain_position UNIQUE (chain, chain_seq)
      )`);
    await q.query('CREATE INDEX audit_log_type ON audit_log (type, seq)');
    await q.query(`
      CREATE TABLE audit_claims (
        claim_id text NOT NULL,
        seq bigint NOT NULL,
        PRIMARY KEY (claim_id, seq)
      )`);
    await q.query(`
      CREATE TABLE chain_heads (
        chain text PRIMARY KEY,
        length bigint NOT NULL,
        hash text NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE chain_heads; DROP TABLE audit_claims; DROP TABLE audit_log;');
  }
}
