import type { Admin } from 'kafkajs';
import type { Database } from './database.client';

/** How far a consumer group is behind on one partition. */
export interface PartitionLag {
  topic: string;
  partition: number;
  lag: number;
}

/**
 * How far a consumer group is behind, per partition: high watermark − committed offset,
 * counting from the low watermark where nothing is committed yet.
 */
export async function partitionLag(admin: Admin, groupId: string, topics: string[]): Promise<PartitionLag[]> {
  if (topics.length === 0) return [];
  const committed = await admin.fetchOffsets({ groupId, topics });
  // the topics' watermarks asked at once (audit reads sixteen topics)
  const watermarksOf = await Promise.all(committed.map(({ topic }) => admin.fetchTopicOffsets(topic)));
  const lags: PartitionLag[] = [];
  for (const [i, { topic, partitions }] of committed.entries()) {
    for (const w of watermarksOf[i]) {
      const c = partitions.find((p) => p.partition === w.partition);
      const high = BigInt(w.high);
      const from = c && Number(c.offset) >= 0 ? BigInt(c.offset) : BigInt(w.low);
      lags.push({ topic, partition: w.partition, lag: high > from ? Number(high - from) : 0 });
    }
  }
  return lags;
}

/** How far a consumer group is behind: Σ of its partitions' lag. */
export async function consumerLag(admin: Admin, groupId: string, topics: string[]): Promise<number> {
  return (await partitionLag(admin, groupId, topics)).reduce((n, p) => n + p.lag, 0);
}

export async function deadLetterCount(db: Database): Promise<number> {
  const [row] = await db.query<{ n: string }>('SELECT count(*) AS n FROM dead_letters');
  return Number(row?.n ?? 0);
}
