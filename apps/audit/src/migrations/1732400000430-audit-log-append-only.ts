import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log is append-only like the event store (只增不改): an entry, once written, is never
 * updated or deleted and the log is never truncated, whoever asks. (The runtime role has no such
 * privilege at all; this holds for the owner too. Verification still finds what a superuser who
 * goes around the trigger changes.)
 */
export class AuditLogAppendOnly1732400000430 implements MigrationInterface {
  name = 'AuditLogAppendOnly1732400000430';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the audit log is append-only: % on audit_log is refused', TG_OP; END $$;
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'DROP TRIGGER audit_log_no_truncate ON audit_log; DROP TRIGGER audit_log_append_only ON audit_log; DROP FUNCTION audit_log_append_only();',
    );
  }
}
