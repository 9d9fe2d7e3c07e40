import { randomUUID } from 'node:crypto';
import { ConcurrencyError, jsonRows, pgCode, Tx } from './database.client';

export interface NewEvent {
  type: string;
  data: unknown;
  metadata?: Record<string, unknown>;
  eventId?: string;
}

export interface StoredEvent {
  globalPosition: string;
  streamId: string;
  streamVersion: number;
  eventId: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  recordedAt: Date;
}

export interface StreamAppend {
  streamId: string;
  /** The stream's version before these events (0 for a new stream). */
  expectedVersion: number;
  events: NewEvent[];
}

/**
 * Append to many streams in one statement. The (stream_id, stream_version) unique key is
 * the optimistic concurrency check: a writer that read an old version fails here.
 */
export async function appendToStreams(tx: Tx, appends: StreamAppend[]): Promise<void> {
  const rows: { s: string; v: number; id: string; t: string; d: unknown; m: unknown }[] = [];
  for (const a of appends) {
    a.events.forEach((e, i) => {
      rows.push({ s: a.streamId, v: a.expectedVersion + i + 1, id: e.eventId ?? randomUUID(), t: e.type, d: e.data, m: e.metadata ?? {} });
    });
  }
  if (rows.length === 0) return;
  const streamIds = rows.map((r) => r.s);
  try {
    await tx.execute(
      `INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata)
       SELECT s, v, id, t, d, m FROM json_to_recordset($1::json) AS x(s text, v int, id uuid, t text, d json, m json)`,
      [jsonRows(rows)],
    );
  } catch (error) {
    if (pgCode(error) === '23505' && String((error as Error).message).includes('events_stream_version')) {
      throw new ConcurrencyError(`a stream among ${[...new Set(streamIds)].slice(0, 5).join(', ')} was changed concurrently`);
    }
    throw error;
  }
}

export async function appendToStream(tx: Tx, streamId: string, expectedVersion: number, events: NewEvent[]): Promise<number> {
  await appendToStreams(tx, [{ streamId, expectedVersion, events }]);
  return expectedVersion + events.length;
}

interface EventRow {
  global_position: string;
  stream_id: string;
  stream_version: number;
  event_id: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  recorded_at: Date;
}

const toStored = (r: EventRow): StoredEvent => ({
  globalPosition: r.global_position,
  streamId: r.stream_id,
  streamVersion: r.stream_version,
  eventId: r.event_id,
  type: r.type,
  data: r.data,
  metadata: r.metadata,
  recordedAt: r.recorded_at,
});

export async function readStream(tx: Tx, streamId: string): Promise<StoredEvent[]> {
  const rows = await tx.query<EventRow>('SELECT * FROM events WHERE stream_id = $1 ORDER BY stream_version', [streamId]);
  return rows.map(toStored);
}

/** Read the whole store in order of global position, a page at a time. */
export async function readAll(tx: Tx, afterPosition: string, limit: number): Promise<StoredEvent[]> {
  const rows = await tx.query<EventRow>('SELECT * FROM events WHERE global_position > $1 ORDER BY global_position LIMIT $2', [
    afterPosition,
    limit,
  ]);
  return rows.map(toStored);
}
