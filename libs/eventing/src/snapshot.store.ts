import type { PersonYearRef } from '@msb/contracts';
import { ConcurrencyError, jsonRows, pgCode, Tx } from './database.client';
import { appendToStreams, NewEvent } from './event.store';

/**
 * A person-year stream's current state, kept beside its events (a snapshot at every
 * version) so deciding never replays a stream. Rows are locked (FOR UPDATE, in key order)
 * for the length of the deciding transaction; the event store's (stream, version) key is
 * the second line of defence.
 *
 * Table shape (created by the payers' shared migration; only the snapshot store writes it):
 *   person_years(stream_id text PK, region text, person_id text, year int, version int,
 *                revision int, parked boolean, held boolean, state json, updated_at timestamptz)
 */
export interface Snapshot<S> {
  streamId: string;
  version: number;
  state: S;
}

export interface SnapshotChange<S> {
  streamId: string;
  key: PersonYearRef;
  expectedVersion: number;
  events: NewEvent[];
  state: S;
  revision: number;
  parked: boolean;
  /** Holding upstream decisions that came after a gap. */
  held?: boolean;
}

export class SnapshotStore<S> {
  constructor(private readonly table = 'person_years') {}

  /** Lock and load; ids that have no row yet are absent from the map. */
  async lock(tx: Tx, streamIds: string[]): Promise<Map<string, Snapshot<S>>> {
    const ids = [...new Set(streamIds)].sort();
    const rows = await tx.query<{ stream_id: string; version: number; state: S }>(
      `SELECT stream_id, version, state FROM ${this.table} WHERE stream_id = ANY($1::text[]) ORDER BY stream_id FOR UPDATE`,
      [ids],
    );
    return new Map(rows.map((r) => [r.stream_id, { streamId: r.stream_id, version: r.version, state: r.state }]));
  }

  /** The next batch of a region-year's person-years after `cursor`, not locked (to read other rows first). */
  async regionYearBatch(
    tx: Tx,
    region: string,
    year: number,
    cursor: string,
    limit: number,
  ): Promise<{ streamId: string; personId: string }[]> {
    const rows = await tx.query<{ stream_id: string; person_id: string }>(
      `SELECT stream_id, person_id FROM ${this.table} WHERE region = $1 AND year = $2 AND stream_id > $3 ORDER BY stream_id LIMIT $4`,
      [region, year, cursor, limit],
    );
    return rows.map((r) => ({ streamId: r.stream_id, personId: r.person_id }));
  }

  /** Lock the person-years of a region-year after `cursor`, a batch at a time (bulk recalculation). */
  async lockRegionYearBatch(tx: Tx, region: string, year: number, cursor: string, limit: number): Promise<Snapshot<S>[]> {
    const rows = await tx.query<{ stream_id: string; version: number; state: S }>(
      `SELECT stream_id, version, state FROM ${this.table}
       WHERE region = $1 AND year = $2 AND stream_id > $3 ORDER BY stream_id LIMIT $4 FOR UPDATE`,
      [region, year, cursor, limit],
    );
    return rows.map((r) => ({ streamId: r.stream_id, version: r.version, state: r.state }));
  }

  /** Append the events and write the new snapshots, in the caller's transaction. */
  async save(tx: Tx, changes: SnapshotChange<S>[]): Promise<void> {
    const touched = changes.filter((c) => c.events.length > 0);
    if (touched.length === 0) return;
    await appendToStreams(
      tx,
      touched.map((c) => ({ streamId: c.streamId, expectedVersion: c.expectedVersion, events: c.events })),
    );
    const existing = touched.filter((c) => c.expectedVersion > 0);
    const fresh = touched.filter((c) => c.expectedVersion === 0);
    if (existing.length > 0) {
      const updated = await tx.execute(
        `UPDATE ${this.table} AS p SET version = u.version, revision = u.revision, parked = u.parked, held = u.held, state = u.state, updated_at = now()
         FROM json_to_recordset($1::json) AS u(stream_id text, expected int, version int, revision int, parked boolean, state json, held boolean)
         WHERE p.stream_id = u.stream_id AND p.version = u.expected`,
        [
          jsonRows(
            existing.map((c) => ({
              stream_id: c.streamId,
              expected: c.expectedVersion,
              version: c.expectedVersion + c.events.length,
              revision: c.revision,
              parked: c.parked,
              state: c.state,
              held: c.held ?? false,
            })),
          ),
        ],
      );
      if (updated !== existing.length) throw new ConcurrencyError('a person-year snapshot was changed concurrently');
    }
    if (fresh.length > 0) {
      try {
        await tx.execute(
          `INSERT INTO ${this.table} (stream_id, region, person_id, year, version, revision, parked, held, state, updated_at)
           SELECT s, r, p, y, v, rv, pk, h, st, now()
           FROM json_to_recordset($1::json) AS t(s text, r text, p text, y int, v int, rv int, pk boolean, st json, h boolean)`,
          [
            jsonRows(
              fresh.map((c) => ({
                s: c.streamId,
                r: c.key.region,
                p: c.key.personId,
                y: c.key.year,
                v: c.events.length,
                rv: c.revision,
                pk: c.parked,
                st: c.state,
                h: c.held ?? false,
              })),
            ),
          ],
        );
      } catch (error) {
        if (pgCode(error) === '23505') throw new ConcurrencyError('a person-year was created concurrently');
        throw error;
      }
    }
  }
}

/** The stream id of a payer's person-year: "<payer>-person-year:<region>:<personId>:<year>". */
export function personYearStreamId(payer: string, key: PersonYearRef): string {
  return `${payer}-person-year:${key.region}:${key.personId}:${key.year}`;
}
