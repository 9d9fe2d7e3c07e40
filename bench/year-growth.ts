/**
 * `npm run bench:growth`: how one person's year grows on the bus and in the audit log.
 * Starts its own isolated system, puts the demo policies, catalogues and hospital, grants the
 * person 低保 (so that all three payers pay), then submits N outpatient-chronic claims for ONE
 * person-year, one after the other, each waited for until its slip is SETTLED. For the 10th and the Nth claim it
 * reports the size of the latest decision message on each decisions topic (read as the
 * auditor's principal), the audit log's bytes per claim, and the POST → SETTLED latency.
 * Figures only, never pass/fail.
 *
 *   GROWTH_CLAIMS  N (default 1000)
 *   GROWTH_AT      comma list of claim counts to measure at (default 10,N)
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { kafkaAs, randomTag, startTestInfrastructure, TestSystem } from '@msb/testing';
import { Client } from 'pg';
import { onePersonYear } from './one-person-year';

const out = (line = '') => process.stdout.write(`${line}\n`);
const DECISION_TOPICS = ['basic.decisions', 'critical-illness.decisions', 'assistance.decisions'] as const;

interface TopicFigures {
  messages: number;
  /** Bytes of the value of the topic's newest message (the latest decision of the one person-year). */
  latestBytes: number;
  /** Bytes of every message value on the topic (as produced, before any compression). */
  totalBytes: number;
  /** What the broker keeps on disk for the topic, when its data directory is on this machine. */
  diskBytes: number | null;
}

/** Every message of a topic, read from the beginning as the auditor's principal (audit reads every topic). */
async function readTopic(system: TestSystem, logical: string): Promise<TopicFigures> {
  const topic = `${system.topicPrefix}.${logical}`;
  const kafka = kafkaAs('audit', `growth-${randomTag(4)}`);
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(offsets.filter((o) => Number(o.high) > Number(o.low)).map((o) => [o.partition, Number(o.high) - 1]));
  const figures: TopicFigures = { messages: 0, latestBytes: 0, totalBytes: 0, diskBytes: diskBytes(topic) };
  if (remaining.size === 0) return figures;
  let newest = -1;
  const consumer = kafka.consumer({ groupId: `${system.topicPrefix}.audit.growth-${randomTag(6)}`, maxBytes: 64 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            const bytes = m.value?.length ?? 0;
            figures.messages += 1;
            figures.totalBytes += bytes;
            const at = Number(m.timestamp);
            if (at >= newest) {
              newest = at;
              figures.latestBytes = bytes;
            }
            if (remaining.get(batch.partition) === Number(m.offset)) remaining.delete(batch.partition);
          }
          if (remaining.size === 0) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return figures;
}

/** The broker's log segments of a topic, if the local broker's data directory is readable. */
function diskBytes(topic: string): number | null {
  const data = join(__dirname, '../../deploy/local/.runtime/kafka/data');
  if (!existsSync(data)) return null;
  let bytes = 0;
  for (const dir of readdirSync(data).filter((d) => d.startsWith(`${topic}-`) && /-\d+$/.test(d))) {
    for (const f of readdirSync(join(data, dir))) if (f.endsWith('.log')) bytes += statSync(join(data, dir, f)).size;
  }
  return bytes;
}

interface AuditFigures {
  rows: number;
  /** Σ bytes of the logged envelopes (as published) of the person-year's decisions, per claim submitted. */
  decisionBytesPerClaim: number;
  /** The newest decision row of each payer, in bytes. */
  latestDecisionRowBytes: Record<string, number>;
  /** Rows of the claim index (claim → log entries) per claim submitted. */
  claimIndexRowsPerClaim: number;
}

async function auditFigures(system: TestSystem, subject: string, claims: number): Promise<AuditFigures> {
  const db = new Client({ connectionString: system.databaseUrl('audit') });
  await db.connect();
  try {
    const totals = await db.query<{ rows: string; bytes: string }>(
      `SELECT count(*)::text AS rows, coalesce(sum(octet_length(envelope::text)), 0)::text AS bytes
       FROM audit_log WHERE subject = $1 AND type LIKE '%.PersonYearDecided'`,
      [subject],
    );
    const latest = await db.query<{ type: string; bytes: number }>(
      `SELECT DISTINCT ON (type) type, octet_length(envelope::text) AS bytes FROM audit_log
       WHERE subject = $1 AND type LIKE '%.PersonYearDecided' ORDER BY type, seq DESC`,
      [subject],
    );
    const index = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM audit_claims');
    return {
      rows: Number(totals.rows[0].rows),
      decisionBytesPerClaim: Math.round(Number(totals.rows[0].bytes) / claims),
      latestDecisionRowBytes: Object.fromEntries(latest.rows.map((r) => [r.type, r.bytes])),
      claimIndexRowsPerClaim: +(Number(index.rows[0].n) / claims).toFixed(2),
    };
  } finally {
    await db.end();
  }
}

async function main() {
  const n = Number(process.env.GROWTH_CLAIMS ?? 1000);
  const at = new Set((process.env.GROWTH_AT ?? `10,${n}`).split(',').map(Number));
  const infra = await startTestInfrastructure();
  process.env.KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.DATABASE_URL = infra.databaseUrl;
  const system = await TestSystem.start({ env: { LOG_LEVEL: 'warn' } });
  const results: Record<string, unknown>[] = [];
  try {
    const started = performance.now();
    await onePersonYear(system, n, async (count, _ms, latencies, subject) => {
      if (count % 100 === 0) out(`${count} claims settled, ${((performance.now() - started) / 1000).toFixed(0)} s`);
      if (!at.has(count)) return;
      await system.caughtUp(600000);
      const topics: Record<string, TopicFigures> = {};
      for (const t of DECISION_TOPICS) topics[t] = await readTopic(system, t);
      const last = latencies.slice(-10);
      const row = {
        claims: count,
        latencyMs: Math.round(latencies[count - 1]),
        latencyMsLast10: Math.round(last.reduce((a, b) => a + b, 0) / last.length),
        topics,
        audit: await auditFigures(system, subject, count),
      };
      results.push(row);
      out(JSON.stringify(row));
    });
  } finally {
    await system.stop();
    await infra.stop();
  }
  out('\nclaims | topic | latest message B | topic total B | on disk B');
  for (const r of results) {
    for (const [t, f] of Object.entries(r.topics as Record<string, TopicFigures>))
      out(`${String(r.claims)} | ${t} | ${f.latestBytes} | ${f.totalBytes} | ${f.diskBytes ?? '-'}`);
  }
  out('\nclaims | POST→SETTLED ms (that claim, mean of last 10) | audit decision bytes per claim | audit claim-index rows per claim');
  for (const r of results) {
    const a = r.audit as AuditFigures;
    out(
      `${String(r.claims)} | ${String(r.latencyMs)}, ${String(r.latencyMsLast10)} | ${a.decisionBytesPerClaim} | ${a.claimIndexRowsPerClaim}`,
    );
  }
}

main().catch((e) => {
  process.stderr.write(`year-growth failed: ${e instanceof Error ? e.stack : e}\n`);
  process.exit(1);
});
