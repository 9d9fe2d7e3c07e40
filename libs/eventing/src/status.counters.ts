import type { Admin } from 'kafkajs';
import type { Database } from './database.client';

/**
 * How far a consumer group is behind: Σ over partitions of (high watermark − committed
 * offset), counting from the low watermark where nothing is committed yet.
 */
export async function consumerLag(admin: Admin, groupId: string, topics: string[]): Promise<number> {
  if (topics.length === 0) return 0;
  const committed = await admin.fetchOffsets({ groupId, topics });
  // the topics' watermarks asked at once (audit reads sixteen topics)
  const watermarksOf = await Promise.all(committed.map(({ topic }) => admin.fetchTopicOffsets(topic)));
  let lag = 0;
  for (const [i, { partitions }] of committed.entries()) {
    for (const w of watermarksOf[i]) {
      const c = partitions.find((p) => p.partition === w.partition);
      const high = BigInt(w.high);
      const from = c && Number(c.offset) >= 0 ? BigInt(c.offset) : BigInt(w.low);
      if (high > from) lag += Number(high - from);
    }
  }
  return lag;
}

export async function deadLetterCount(db: Database): Promise<number> {
  const [row] = await db.query<{ n: string }>('SELECT count(*) AS n FROM dead_letters');
  return Number(row?.n ?? 0);
}
