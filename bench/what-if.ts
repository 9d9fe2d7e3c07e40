/**
 * `npm run bench:what-if`: how long a what-if (POST /what-ifs, 精准测算) takes over a big
 * region-year, and how much memory the audit service needs for it. Figures, never pass/fail.
 * Starts an audit service alone (its checkpoints held off, so that they do not share the two
 * cores), seeds its database directly with WHAT_IF_PERSON_YEARS person-years as the log would
 * hold them (libs/testing's seedAuditLog: policies, catalogues, registry, claims with corrections
 * and reversals, grants, and each payer's decisions), then asks as the auditor with drafts of all
 * three sections (twice: the first read warms the database's cache), and as the insurer's officer
 * with a 大病 draft alone. Memory: the service's resident set before, and its peak (VmHWM).
 *
 *   WHAT_IF_PERSON_YEARS  person-years of the region-year (default 100000)
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { WhatIfAnswerDto } from '@msb/contracts';
import { demoPolicies, randomTag, seedAuditLog, startTestInfrastructure, TestSystem } from '@msb/testing';
import { Client } from 'pg';

const out = (line = '') => process.stdout.write(`${line}\n`);

/** A process's resident set now and at its peak, in MiB (Linux /proc). */
function memoryOf(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: Math.round(kib('VmRSS') / 1024), peakMiB: Math.round(kib('VmHWM') / 1024) };
}

async function main() {
  const personYears = Number(process.env.WHAT_IF_PERSON_YEARS ?? 100000);
  const infra = await startTestInfrastructure();
  process.env.KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.DATABASE_URL = infra.databaseUrl;
  const system = await TestSystem.start({
    services: ['audit'],
    env: { LOG_LEVEL: 'warn', CHECKPOINT_INTERVAL_MS: String(24 * 3600 * 1000) },
  });
  const results: Record<string, unknown> = { personYears };
  try {
    const tag = `W${randomTag(4).toUpperCase()}`;
    const region = `4403${tag}`.slice(0, 12);
    const year = 2024;
    const db = new Client({ connectionString: system.databaseUrl('audit') });
    await db.connect();
    out(`seeding ${personYears} person-years of ${region}/${year} into ${system.databaseName('audit')}…`);
    const t0 = performance.now();
    const seeded = await seedAuditLog(db, { region, year, personYears, tag });
    // as autovacuum leaves a log at rest: hint bits set, statistics taken
    await db.query('VACUUM ANALYZE audit_log');
    const size = await db.query<{ bytes: string }>("SELECT pg_total_relation_size('audit_log')::text AS bytes");
    results.seed = {
      ...seeded,
      seconds: +((performance.now() - t0) / 1000).toFixed(1),
      auditLogMiB: Math.round(Number(size.rows[0].bytes) / 2 ** 20),
    };
    out(JSON.stringify(results.seed));
    await db.end();

    const pid = system.pid('audit')!;
    const demo = demoPolicies();
    const drafts = {
      basic: {
        ...demo.basic,
        classBSelfPayRatio: '0.15',
        inpatient: { ...demo.basic.inpatient, '3': { deductible: '600', rate: '0.75' } },
      },
      criticalIllness: {
        ...demo.criticalIllness,
        threshold: '8000',
        bands: [{ upTo: '40000', rate: '0.65' }, ...demo.criticalIllness.bands.slice(1)],
      },
      assistance: {
        ...demo.assistance,
        categories: { ...demo.assistance.categories, LOW_INCOME: { threshold: '1000', bands: [{ rate: '0.80' }], annualCap: '100000' } },
      },
    };
    const ask = async (name: string, role: string, body: object) => {
      const token = await system.tokens.token({ role, audience: ['audit'] });
      const before = memoryOf(pid);
      const started = performance.now();
      const res = await fetch(`${system.clients.audit.baseUrl}/what-ifs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ region, year, ...body }),
        signal: AbortSignal.timeout(600_000),
      });
      const answer = (await res.json()) as WhatIfAnswerDto;
      const seconds = (performance.now() - started) / 1000;
      if (res.status !== 200) throw new Error(`${name}: ${res.status} ${JSON.stringify(answer)}`);
      const after = memoryOf(pid);
      const row = {
        seconds: +seconds.toFixed(2),
        elapsedMs: answer.elapsedMs,
        personYears: answer.personYears,
        personYearsPerSecond: Math.round(answer.personYears / (answer.elapsedMs / 1000)),
        changedPersons: answer.changedPersons,
        delta: answer.delta,
        rssBeforeMiB: before.rssMiB,
        rssAfterMiB: after.rssMiB,
        peakRssMiB: after.peakMiB,
      };
      results[name] = row;
      out(`${name}: ${JSON.stringify(row)}`);
    };
    await ask('auditorAllThreeFirst', 'auditor', drafts);
    await ask('auditorAllThree', 'auditor', drafts);
    await ask('insurerCriticalIllnessOnly', 'insurer-officer', { criticalIllness: drafts.criticalIllness });
  } finally {
    await system.stop();
    await infra.stop();
  }
  out(`\n${JSON.stringify(results, null, 2)}`);
}

main().catch((e) => {
  process.stderr.write(`what-if bench failed: ${e instanceof Error ? e.stack : e}\n`);
  process.exit(1);
});
