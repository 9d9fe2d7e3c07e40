import { Inject, Injectable } from '@nestjs/common';
import { AnyEnvelope, canonicalJson } from '@msb/contracts';
import type { Consumed, Tx } from '@msb/eventing';
import { RUNTIME, ServiceRuntime } from '@msb/platform';
import { chainOf, claimsOf, entryHashOfText, GENESIS } from './audit.chain';

/**
 * Records every event of every agency once, appended to its partition's hash chain in the
 * consumer's transaction (a redelivered message, already in the inbox or already logged,
 * changes nothing).
 */
@Injectable()
export class AuditLog {
  constructor(@Inject(RUNTIME) private readonly runtime: ServiceRuntime) {}

  /** The topic's name without this deployment's prefix. */
  logicalTopic(topic: string): string {
    const prefix = this.runtime.config.TOPIC_PREFIX;
    return prefix && topic.startsWith(`${prefix}.`) ? topic.slice(prefix.length + 1) : topic;
  }

  /**
   * Append a batch to its chains in four statements, whatever the number of chains and entries:
   * the log's lock; the heads created if new and locked; the repeats and the next leaf index
   * read; every entry inserted with its heads moved and the claim index written.
   */
  async recordBatch(tx: Tx, messages: Consumed[]): Promise<void> {
    // one writer at a time: recording order is commit order, so checkpoints read a prefix
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('audit-log'))");
    const byChain = new Map<string, Consumed[]>();
    for (const m of messages) {
      const chain = chainOf(this.logicalTopic(m.context.topic), m.context.partition);
      let list = byChain.get(chain);
      if (!list) byChain.set(chain, (list = []));
      list.push(m);
    }
    const chains = [...byChain.keys()].sort();
    // a head created if missing, and locked: the no-op update returns the row as it stands
    const heads = await tx.query<{ chain: string; length: string; hash: string }>(
      `INSERT INTO chain_heads (chain, length, hash) SELECT c, 0, $2 FROM unnest($1::text[]) AS t(c) ORDER BY c
       ON CONFLICT (chain) DO UPDATE SET length = chain_heads.length
       RETURNING chain, length::text AS length, hash`,
      [chains, GENESIS],
    );
    const headOf = new Map(heads.map((h) => [h.chain, h]));
    // leaf indexes are dense and in recording order: the order of the Merkle tree's leaves
    const [state] = await tx.query<{ next: string; seen: string[] | null }>(
      `SELECT (SELECT coalesce(max(leaf_index) + 1, 0)::text FROM audit_log) AS next,
              (SELECT array_agg(event_id::text) FROM audit_log WHERE event_id = ANY($1::uuid[])) AS seen`,
      [messages.map((m) => m.envelope.id)],
    );
    const seen = new Set(state.seen ?? []);
    let leaf = BigInt(state.next);
    const rows: unknown[][] = Array.from({ length: 16 }, () => []);
    const entries: AnyEnvelope[] = [];
    const moved: { chain: string; length: string; hash: string }[] = [];
    for (const chain of chains) {
      const head = headOf.get(chain)!;
      let previous = head.hash;
      let length = BigInt(head.length);
      for (const { envelope, context, published } of byChain.get(chain)!) {
        if (seen.has(envelope.id)) continue; // the same event published twice (a relay retry): stored once
        seen.add(envelope.id);
        // the event as it was published, an old version too (upcast only when the log is read)
        const text = canonicalJson(published ?? envelope);
        const hash = entryHashOfText(previous, text);
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
          text,
          previous,
          hash,
          leaf.toString(),
        ].forEach((v, i) => rows[i].push(v));
        leaf += 1n;
        entries.push(envelope);
        previous = hash;
      }
      if (previous !== head.hash) moved.push({ chain, length: length.toString(), hash: previous });
    }
    if (entries.length === 0) return;
    // the entries, the heads moved and the claim index, in one statement
    const claimIds: string[] = [];
    const claimEvents: string[] = [];
    for (const e of entries) {
      for (const claimId of new Set(claimsOf(e))) {
        claimIds.push(claimId);
        claimEvents.push(e.id);
      }
    }
    await tx.execute(
      `WITH logged AS (
         INSERT INTO audit_log (event_id, chain, chain_seq, topic, partition, "offset", type, source, subject, event_time, correlation_id, causation_id, envelope, prev_hash, hash, leaf_index)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::int[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::timestamptz[], $11::text[], $12::text[], $13::json[], $14::text[], $15::text[], $16::bigint[])
         RETURNING seq, event_id),
       heads AS (
         UPDATE chain_heads AS h SET length = m.length, hash = m.hash
         FROM unnest($17::text[], $18::bigint[], $19::text[]) AS m(chain, length, hash) WHERE h.chain = m.chain)
       INSERT INTO audit_claims (claim_id, seq)
       SELECT c.claim_id, l.seq FROM unnest($20::text[], $21::uuid[]) AS c(claim_id, event_id) JOIN logged l USING (event_id)
       ON CONFLICT DO NOTHING`,
      [...rows, moved.map((m) => m.chain), moved.map((m) => m.length), moved.map((m) => m.hash), claimIds, claimEvents],
    );
  }
}
