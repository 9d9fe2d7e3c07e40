import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every service's record of who read personal data (PIPL 个人信息保护法: access to personal
 * information is itself recorded): append-only, like the event store; UPDATE, DELETE and
 * TRUNCATE are refused by the database itself.
 */
export class AccessLog1732400000080 implements MigrationInterface {
  name = 'AccessLog1732400000080';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE access_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        issuer text NOT NULL,
        subject text NOT NULL,
        role text NOT NULL,
        action text NOT NULL,
        resource text NOT NULL,
        person_id text NOT NULL,
        correlation_id text
      )`);
    await q.query('CREATE INDEX access_log_person ON access_log (person_id, id)');
    await q.query(`
      CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the access log is append-only: % on access_log is refused', TG_OP; END $$;
      CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
        FOR EACH ROW EXECUTE FUNCTION access_log_append_only();
      CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
        FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only();`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE access_log; DROP FUNCTION access_log_append_only();');
  }
}
