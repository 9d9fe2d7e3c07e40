import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The plumbing every service shares: the append-only event store, the transactional
 * outbox, the inbox of processed messages, and the record of dead letters.
 */
export class EventingTables1732400000000 implements MigrationInterface {
  name = 'EventingTables1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE events (
        global_position bigserial PRIMARY KEY,
        stream_id text NOT NULL,
        stream_version integer NOT NULL,
        event_id uuid NOT NULL UNIQUE,
        type text NOT NULL,
        data json NOT NULL,
        metadata json NOT NULL DEFAULT '{}',
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT events_stream_version UNIQUE (stream_id, stream_version)
      )`);
    await q.query(`
      CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the event store is append-only: % on events is refused', TG_OP; END $$;
      CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
        FOR EACH ROW EXECUTE FUNCTION events_append_only();`);
    await q.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        topic text NOT NULL,
        message_key text NOT NULL,
        message_id uuid NOT NULL,
        payload text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE inbox (
        consumer text NOT NULL,
        message_id text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, message_id)
      )`);
    await q.query(`
      CREATE TABLE dead_letters (
        id bigserial PRIMARY KEY,
        consumer text NOT NULL,
        topic text NOT NULL,
        partition integer NOT NULL,
        "offset" bigint NOT NULL,
        message_id text,
        reason text NOT NULL,
        detail text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT dead_letters_position UNIQUE (consumer, topic, partition, "offset")
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dead_letters; DROP TABLE inbox; DROP TABLE outbox; DROP TABLE events; DROP FUNCTION events_append_only();');
  }
}
