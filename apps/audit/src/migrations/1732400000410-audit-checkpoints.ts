import { MigrationInterface, QueryRunner } from 'typeorm';

/** Merkle checkpoints over the entry hashes (RFC 6962), and the index the as-of ledger reads. */
export class AuditCheckpoints1732400000410 implements MigrationInterface {
  name = 'AuditCheckpoints1732400000410';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE checkpoints (
        id bigserial PRIMARY KEY,
        tree_size bigint NOT NULL UNIQUE,
        last_seq bigint NOT NULL,
        root text NOT NULL,
        frontier jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX audit_log_subject_time ON audit_log (subject, event_time, seq)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX audit_log_subject_time; DROP TABLE checkpoints;');
  }
}
