import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event store refuses TRUNCATE as it refuses UPDATE and DELETE: no statement empties it.
 * (The runtime role has no such privilege at all; this holds for the owner too.)
 */
export class EventsNoTruncate1732400000010 implements MigrationInterface {
  name = 'EventsNoTruncate1732400000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
        FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER events_no_truncate ON events');
  }
}
