import { MigrationInterface, QueryRunner } from 'typeorm';

/** basic-insurance (医保局): what the slip needs of the other payers, and the one-stop slip read model. */
export class BasicTables1732400000100 implements MigrationInterface {
  name = 'BasicTables1732400000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE person_years
        -- what the other payers last decided on (for the slip's status)
        ADD COLUMN ci_revision integer NOT NULL DEFAULT 0,
        ADD COLUMN ci_basic_revision integer NOT NULL DEFAULT 0,
        ADD COLUMN assistance_revision integer NOT NULL DEFAULT 0,
        ADD COLUMN assistance_basic_revision integer NOT NULL DEFAULT 0,
        ADD COLUMN assistance_ci_revision integer NOT NULL DEFAULT 0,
        ADD COLUMN tilted boolean NOT NULL DEFAULT false,
        ADD COLUMN assistance_category text`);
    await q.query(`
      CREATE TABLE claims (
        claim_id text PRIMARY KEY,
        stream_id text NOT NULL,
        region text NOT NULL,
        person_id text NOT NULL,
        year integer NOT NULL,
        version integer NOT NULL,
        status text NOT NULL,
        service_date date NOT NULL,
        visit_type text NOT NULL,
        total numeric(16,2) NOT NULL,
        policy_scope numeric(16,2) NOT NULL,
        basic numeric(16,2) NOT NULL DEFAULT 0,
        critical_illness numeric(16,2) NOT NULL DEFAULT 0,
        assistance numeric(16,2) NOT NULL DEFAULT 0,
        first_hash text NOT NULL,
        latest_hash text NOT NULL,
        submitted_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX claims_stream ON claims (stream_id)');
    await q.query(`
      CREATE TABLE adjustments (
        id bigserial PRIMARY KEY,
        claim_id text NOT NULL,
        payer text NOT NULL,
        version integer NOT NULL,
        amount numeric(16,2) NOT NULL,
        reason text NOT NULL,
        at timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX adjustments_claim ON adjustments (claim_id, id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE adjustments; DROP TABLE claims;');
    await q.query(
      'ALTER TABLE person_years DROP COLUMN ci_revision, DROP COLUMN ci_basic_revision, DROP COLUMN assistance_revision, DROP COLUMN assistance_basic_revision, DROP COLUMN assistance_ci_revision, DROP COLUMN tilted, DROP COLUMN assistance_category',
    );
  }
}
