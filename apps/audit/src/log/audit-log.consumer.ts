import { Inject, Injectable } from '@nestjs/common';
import { AnyEnvelope, canonicalJson } from '@msb/contracts';
import type { Consumed, Tx } from '@msb/eventing';
import { RUNTIME, ServiceRuntime } from '@msb/platform';
import { chainOf, claimsOf, entryHash, GENESIS } from './audit.chain';

/**
 * Records every event of every agency once, appended to its partition's hash chain in the
 * consumer's transaction (a redelivered message, already in the inbox or already logged,
 * changes nothing). A chunk comes from one partition: one chain, one head to move.
 */
@Injectable()
export class AuditLog {
  constructor(@Inject(RUNTIME) private readonly runtime: ServiceRuntime) {}

  /** The topic's name without this deployment's prefix. */
  logicalTopic(topic: string): string {
    const prefix = this.runtime.config.TOPIC_PREFIX;
    return prefix && topic.startsWith(`${prefix}.`) ? topic.slice(prefix.length + 1) : topic;
  }

  async recordBatch(tx: Tx, messages: Consumed[]): Promise<void> {
    // one writer at a time: recording order is commit order, so checkpoints read a prefix
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('audit-log'))");
    const byChain = new Map<string, Consumed[]>();
    for (const m of messages) {
      const chain = chainOf(this.logicalTopic(m.context.topic), m.context.partition);
      byChain.set(chain, [...(byChain.get(chain) ?? []), m]);
    }
    // leaf indexes are dense and in recording order: the order of the Merkle tree's leaves
    const [{ next }] = await tx.query<{ next: string }>('SELECT coalesce(max(leaf_index) + 1, 0)::text AS next FROM audit_log');
    let leaf = BigInt(next);
    for (const [chain, list] of byChain) leaf = await this.append(tx, chain, list, leaf);
  }

  /** Append to one chain from leaf index `leaf` on; returns the next free leaf index. */
  private async append(tx: Tx, chain: string, messages: Consumed[], leaf: bigint): Promise<bigint> {
    await tx.execute('INSERT INTO chain_heads (chain, length, hash) VALUES ($1, 0, $2) ON CONFLICT DO NOTHING', [chain, GENESIS]);
    const [head] = await tx.query<{ length: string; hash: string }>('SELECT length, hash FROM chain_heads WHERE chain = $1 FOR UPDATE', [
      chain,
    ]);
    const seen = new Set(
      (
        await tx.query<{ event_id: string }>('SELECT event_id FROM audit_log WHERE event_id = ANY($1::uuid[])', [
          messages.map((m) => m.envelope.id),
        ])
      ).map((r) => r.event_id),
    );
    let previous = head.hash;
    let length = BigInt(head.length);
    const rows: unknown[][] = Array.from({ length: 16 }, () => []);
    const entries: AnyEnvelope[] = [];
    for (const { envelope, context, published } of messages) {
      if (seen.has(envelope.id)) continue; // the same event published twice (a relay retry): stored once
      seen.add(envelope.id);
      // the event as it was published, an old version too (upcast only when the log is read)
      const recorded = published ?? envelope;
      const hash = entryHash(previous, recorded);
      length += 1n;
      [
        envelope.id,
        chain,
        length.toString(),
        this.logicalTopic(context.topic),
        context.partition,
        context.offset,
        envelope.type,
        envelope.source,
        envelope.subject,
        envelope.time,
        envelope.correlationId,
        envelope.causationId,
        canonicalJson(recorded),
        previous,
        hash,
        (leaf + BigInt(entries.length)).toString(),
      ].forEach((v, i) => rows[i].push(v));
      entries.push(envelope);
      previous = hash;
    }
    if (entries.length === 0) return leaf;
    const inserted = await tx.query<{ seq: string; event_id: string }>(
      `INSERT INTO audit_log (event_id, chain, chain_seq, topic, partition, "offset", type, source, subject, event_time, correlation_id, causation_id, envelope, prev_hash, hash, leaf_index)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::int[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::timestamptz[], $11::text[], $12::text[], $13::json[], $14::text[], $15::text[], $16::bigint[])
       RETURNING seq, event_id`,
      rows,
    );
    await tx.execute('UPDATE chain_heads SET length = $2, hash = $3 WHERE chain = $1', [chain, length.toString(), previous]);
    const seqOf = new Map(inserted.map((r) => [r.event_id, r.seq]));
    const claimIds: string[] = [];
    const seqs: string[] = [];
    for (const e of entries) {
      for (const claimId of new Set(claimsOf(e))) {
        claimIds.push(claimId);
        seqs.push(seqOf.get(e.id)!);
      }
    }
    if (claimIds.length > 0) {
      await tx.execute('INSERT INTO audit_claims (claim_id, seq) SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT DO NOTHING', [
        claimIds,
        seqs,
      ]);
    }
    return leaf + BigInt(entries.length);
  }
}
