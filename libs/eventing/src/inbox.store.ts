import type { Tx } from './database.client';

/**
 * Record message ids as processed by a consumer, in the handler's transaction. Returns the
 * ids that were new: a redelivered message is not among them and must change nothing.
 */
export async function claimInbox(tx: Tx, consumer: string, messageIds: string[]): Promise<Set<string>> {
  if (messageIds.length === 0) return new Set();
  const rows = await tx.query<{ message_id: string }>(
    `INSERT INTO inbox (consumer, message_id)
     SELECT $1, id FROM unnest($2::text[]) AS t(id)
     ON CONFLICT DO NOTHING
     RETURNING message_id`,
    [consumer, messageIds],
  );
  return new Set(rows.map((r) => r.message_id));
}
