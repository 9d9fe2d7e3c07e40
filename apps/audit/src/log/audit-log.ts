import { Inject, Injectable } from '@nestjs/common';
import type { AnyEnvelope } from '@msb/contracts';
import type { MessageContext, Tx } from '@msb/eventing';
import { RUNTIME, ServiceRuntime } from '@msb/platform';
import { chainOf, claimsOf, entryHash, GENESIS } from './audit-chain';

/**
 * Records every event of every agency once, appended to its partition's hash chain in the
 * consumer's transaction (so a redelivered message, already in the inbox, changes nothing).
 */
@Injectable()
export class AuditLog {
  constructor(@Inject(RUNTIME) private readonly runtime: ServiceRuntime) {}

  /** The topic's name without this deployment's prefix. */
  logicalTopic(topic: string): string {
    const prefix = this.runtime.config.TOPIC_PREFIX;
    return prefix && topic.startsWith(`${prefix}.`) ? topic.slice(prefix.length + 1) : topic;
  }

  async record(tx: Tx, envelope: AnyEnvelope, context: MessageContext): Promise<void> {
    const chain = chainOf(this.logicalTopic(context.topic), context.partition);
    // one writer at a time: recording order is commit order, so checkpoints read a prefix
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('audit-log'))");
    await tx.execute(`INSERT INTO chain_heads (chain, length, hash) VALUES ($1, 0, $2) ON CONFLICT DO NOTHING`, [chain, GENESIS]);
    const [head] = await tx.query<{ length: string; hash: string }>('SELECT length, hash FROM chain_heads WHERE chain = $1 FOR UPDATE', [chain]);
    const [seen] = await tx.query('SELECT 1 FROM audit_log WHERE event_id = $1', [envelope.id]);
    if (seen) return; // the same event published twice (a relay retry): stored once
    const hash = entryHash(head.hash, envelope);
    const chainSeq = BigInt(head.length) + 1n;
    const [row] = await tx.query<{ seq: string }>(
      `INSERT INTO audit_log (event_id, chain, chain_seq, topic, partition, "offset", type, source, subject, event_time, correlation_id, causation_id, envelope, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING seq`,
      [
        envelope.id,
        chain,
        chainSeq.toString(),
        this.logicalTopic(context.topic),
        context.partition,
        context.offset,
        envelope.type,
        envelope.source,
        envelope.subject,
        envelope.time,
        envelope.correlationId,
        envelope.causationId,
        JSON.stringify(envelope),
        head.hash,
        hash,
      ],
    );
    await tx.execute('UPDATE chain_heads SET length = $2, hash = $3 WHERE chain = $1', [chain, chainSeq.toString(), hash]);
    const claims = [...new Set(claimsOf(envelope))];
    if (claims.length > 0) {
      await tx.execute('INSERT INTO audit_claims (claim_id, seq) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING', [claims, row.seq]);
    }
  }
}
