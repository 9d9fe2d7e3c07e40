/**
 * `npm run bench`: figures, never pass/fail. Starts its own isolated system (topic prefix,
 * databases, ports) on the local or given Kafka and Postgres, measures, prints, and writes
 * bench/results/<time>.json and bench/results/latest.md.
 *
 *   BENCH_CLAIMS        claims for the throughput run (default 10000)
 *   BENCH_LATENCY_RATE  claims/s of the latency run (default 100)
 *   BENCH_RATE_SECONDS  seconds of each steady-rate latency run: 100 claims/s, and half the throughput run's rate (default 30)
 *   BENCH_PERSON_YEARS  person-years for the policy revision (default 100000)
 *   BENCH_COUNTER_SECONDS seconds at 50 claims/s for the counter run: preview, then POST with Prefer: wait (default 20)
 *   BENCH_GROWTH_CLAIMS claims of the one person-year whose 1,000th claim is timed against its 10th (default 1000)
 *   BENCH_ONLY          comma list of phases: baselines,idle,throughput,latency,half,counter,growth,replay,revision
 *
 * The headline figures are top-level keys of the JSON (claimsPerSecond, p99Ms, growthRatio,
 * replayEventsPerSecond, revisionSeconds, peakRssMb, baselines); each phase's detail is under its name.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { ClaimDto } from '@msb/contracts';
import { join } from 'node:path';
import { Client } from 'pg';
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  demoPolicies,
  generateWorkload,
  inParallel,
  randomTag,
  repoRoot,
  SERVICE_NAMES,
  startTestInfrastructure,
  TestSystem,
  applyStep,
  workloadSetupSteps,
} from '@msb/testing';
import { kafkaBaseline, postgresBaseline } from './baselines';
import { seedPersonYears } from './seed-person-years';
import { cpuWindow, CpuWindow, peakRssMb } from './cpu.sampler';
import { onePersonYear, putDemoRegionYear } from './one-person-year';

const out = (line = '') => process.stdout.write(`${line}\n`);
const only = (process.env.BENCH_ONLY ?? 'baselines,idle,throughput,latency,half,counter,growth,replay,revision').split(',');
const results: Record<string, unknown> = {};

/** Each service's database name, to tell its Postgres backends apart. */
function databasesOf(system: TestSystem): Map<string, string> {
  return new Map(SERVICE_NAMES.map((n) => [system.databaseName(n), n]));
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function throughput(system: TestSystem) {
  const claims = Number(process.env.BENCH_CLAIMS ?? 10000);
  const tag = `T${randomTag(4).toUpperCase()}`;
  const regions = ['610100', '321300', '340300'].map((r) => `${r}${tag}`.slice(0, 12));
  const workload = generateWorkload({ seed: 7, tag, regions, year: 2024, people: Math.ceil(claims / 2), claims, eligibleShare: 0.15 });
  for (const step of workloadSetupSteps(workload, demoPolicies())) await applyStep(system.clients, step);
  await inParallel(workload.grants, 16, (g) => applyStep(system.clients, { op: 'grantEligibility', ...g }));
  await system.caughtUp(300000);
  const measured = cpuWindow(databasesOf(system));
  const t0 = performance.now();
  await inParallel(workload.claims, 64, (claim) => applyStep(system.clients, { op: 'submitClaim', claim }));
  const accepted = performance.now();
  await system.caughtUp(1800000);
  const settled = performance.now();
  const { cpuSeconds, coresUsed } = measured();
  // basic's intake: transactions written, requests they carried, milliseconds spent in them (since start)
  const status = await system.clients.basic
    .as('operator')
    .get<{ intake?: { batches: number; requests: number; millis: number } }>('/status');
  const intake = status.body.intake;
  let notSettled = 0;
  await inParallel(
    workload.claims.filter((_, i) => i % 20 === 0),
    16,
    async (c) => {
      const slip = await system.clients.basic.get<{ status: string }>(`/claims/${c.claimId}`);
      if (slip.body.status !== 'SETTLED') notSettled += 1;
    },
  );
  const seconds = (settled - t0) / 1000;
  return {
    claims,
    acceptSeconds: +((accepted - t0) / 1000).toFixed(2),
    acceptedPerSecond: Math.round(claims / ((accepted - t0) / 1000)),
    settleSeconds: +seconds.toFixed(2),
    claimsPerSecond: Math.round(claims / seconds),
    sampledNotSettled: notSettled,
    // where the two cores went while the claims were settled: CPU seconds per process group
    cpuSeconds,
    coresUsed,
    intake: intake && {
      ...intake,
      requestsPerBatch: +(intake.requests / Math.max(1, intake.batches)).toFixed(1),
      msPerBatch: Math.round(intake.millis / Math.max(1, intake.batches)),
    },
    // the most memory each service has held since it started (VmHWM), setup and this run included
    peakRssMb: Object.fromEntries(SERVICE_NAMES.map((n) => [n, peakRssMb(system.pid(n))])),
  };
}

/** What the four services, Kafka and Postgres use of the cores with nothing to do (polls, fetches, timers). */
async function idle(system: TestSystem, seconds = Number(process.env.BENCH_IDLE_SECONDS ?? 10)) {
  await system.caughtUp(300000);
  const measured = cpuWindow(databasesOf(system));
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const { cpuSeconds, coresUsed } = measured();
  return { seconds, coresUsed, cpuSeconds };
}

/**
 * Cost as a person's year grows: POST → SETTLED of one person-year's claims submitted one after
 * the other; the mean of the 10 claims ending at the last one over the mean of claims 6 to 15
 * (the 1,000th claim against the 10th).
 */
async function growth(system: TestSystem) {
  const n = Number(process.env.BENCH_GROWTH_CLAIMS ?? 1000);
  const { latenciesMs } = await onePersonYear(system, n);
  const mean = (list: number[]) => list.reduce((a, b) => a + b, 0) / list.length;
  const early = mean(latenciesMs.slice(5, 15));
  const late = mean(latenciesMs.slice(-10));
  return { claims: n, msAround10th: Math.round(early), msAroundLast: Math.round(late), ratio: +(late / early).toFixed(3) };
}

/**
 * A one-region workload of `rate × seconds` claims, its policies, catalogues, hospitals and
 * grants put and caught up; then `perClaim` for each claim, started at `rate` per second.
 */
async function atRate(
  system: TestSystem,
  o: { seed: number; tagPrefix: string; regionCode: string; rate: number; seconds: number; ready?: () => void },
  perClaim: (claim: ClaimDto) => Promise<void>,
): Promise<number> {
  const tag = `${o.tagPrefix}${randomTag(4).toUpperCase()}`;
  const region = `${o.regionCode}${tag}`.slice(0, 12);
  const n = o.rate * o.seconds;
  const workload = generateWorkload({ seed: o.seed, tag, regions: [region], year: 2024, people: n, claims: n, eligibleShare: 0.15 });
  for (const step of workloadSetupSteps(workload, demoPolicies())) await applyStep(system.clients, step);
  await inParallel(workload.grants, 16, (g) => applyStep(system.clients, { op: 'grantEligibility', ...g }));
  await system.caughtUp(300000);
  o.ready?.();
  const start = performance.now();
  await Promise.all(
    workload.claims.map(async (claim, i) => {
      const due = start + (i * 1000) / o.rate;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      await perClaim(claim);
    }),
  );
  return workload.claims.length;
}

/** p50, p99 and max of some durations, in whole milliseconds. */
function spread(list: number[]) {
  const sorted = [...list].sort((a, b) => a - b);
  return {
    p50Ms: Math.round(percentile(sorted, 50)),
    p99Ms: Math.round(percentile(sorted, 99)),
    maxMs: Math.round(sorted[sorted.length - 1]),
  };
}

/**
 * POST → SETTLED at a steady rate, as a hospital's counter sees it: each claim POSTed with
 * `Prefer: wait=10`, whose 201 comes when the slip is SETTLED (a GET every 20 ms per claim in
 * flight would itself be the load). A claim answered 202 (not settled within the wait) is
 * polled every 100 ms until it is.
 */
async function steadyLatency(system: TestSystem, rate: number, seconds: number, seed: number, tagPrefix: string, regionCode: string) {
  const latencies: number[] = [];
  const claimIds: string[] = [];
  let answered202 = 0;
  let measured: () => CpuWindow = cpuWindow(databasesOf(system));
  const claims = await atRate(
    system,
    {
      seed,
      tagPrefix,
      regionCode,
      rate,
      seconds,
      ready: () => (measured = cpuWindow(databasesOf(system))),
    },
    async (claim) => {
      claimIds.push(claim.claimId);
      const hospital = system.clients.basic.as({ role: 'hospital', hospital: claim.hospital.id });
      const sent = performance.now();
      const posted = await hospital.post('/claims', claim, { prefer: 'wait=10' });
      if (posted.status !== 201) {
        answered202 += 1;
        for (;;) {
          const slip = await system.clients.basic.get<{ status: string }>(`/claims/${claim.claimId}`);
          if (slip.body.status === 'SETTLED') break;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      latencies.push(performance.now() - sent);
    },
  );
  // the cores the run kept busy, from its first claim to its last answer (the machine's own count)
  const { cpuSeconds: cpu, coresUsed } = measured();
  latencies.sort((a, b) => a - b);
  const { p50Ms, p99Ms, maxMs } = spread(latencies);
  const hopsMs = await hops(system, claimIds);
  return {
    rate,
    claims,
    p50Ms,
    p90Ms: Math.round(percentile(latencies, 90)),
    p99Ms,
    maxMs,
    answered202,
    hopsMs,
    coresUsed,
    cpuSeconds: cpu,
  };
}

/**
 * Where a claim's POST → SETTLED goes, hop by hop, as the medians over the claims of a run
 * (milliseconds): from basic's intake to its decision, to 大病's, to assistance's (each
 * decision's envelope time, as the audit log recorded it), to the slip SETTLED (basic's
 * settled_at). After the run, once the audit log has caught up.
 */
async function hops(system: TestSystem, claimIds: string[]): Promise<Record<string, number>> {
  await system.caughtUp(600000);
  const audit = new Client({ connectionString: system.databaseUrl('audit') });
  const basic = new Client({ connectionString: system.databaseUrl('basic-insurance') });
  await Promise.all([audit.connect(), basic.connect()]);
  try {
    const decided = await audit.query<{ claim_id: string; type: string; at: Date }>(
      `SELECT c.claim_id, l.type, min(l.event_time) AS at FROM audit_claims c JOIN audit_log l USING (seq)
       WHERE c.claim_id = ANY($1::text[]) AND l.type LIKE '%.PersonYearDecided' GROUP BY 1, 2`,
      [claimIds],
    );
    const slips = await basic.query<{ claim_id: string; submitted_at: Date; settled_at: Date | null }>(
      'SELECT claim_id, submitted_at, settled_at FROM claims WHERE claim_id = ANY($1::text[])',
      [claimIds],
    );
    const at = new Map<string, Record<string, number>>();
    for (const s of slips.rows) at.set(s.claim_id, { submitted: s.submitted_at.getTime(), settled: s.settled_at?.getTime() ?? Number.NaN });
    for (const d of decided.rows) {
      const times = at.get(d.claim_id);
      if (times) times[d.type] = d.at.getTime();
    }
    const steps: [string, string, string][] = [
      ['intake → basic decided', 'submitted', 'basic.PersonYearDecided'],
      ['→ 大病 decided', 'basic.PersonYearDecided', 'critical-illness.PersonYearDecided'],
      ['→ assistance decided', 'critical-illness.PersonYearDecided', 'assistance.PersonYearDecided'],
      ['→ slip settled', 'assistance.PersonYearDecided', 'settled'],
    ];
    const out: Record<string, number> = {};
    for (const [name, from, to] of steps) {
      const gaps = [...at.values()].map((t) => t[to] - t[from]).filter((g) => Number.isFinite(g));
      out[name] = Math.round(
        percentile(
          gaps.sort((a, b) => a - b),
          50,
        ),
      );
    }
    return out;
  } finally {
    await Promise.all([audit.end(), basic.end()]);
  }
}

async function latency(system: TestSystem) {
  return steadyLatency(
    system,
    Number(process.env.BENCH_LATENCY_RATE ?? 100),
    Number(process.env.BENCH_RATE_SECONDS ?? 30),
    11,
    'L',
    '500112',
  );
}

/** The same at half the rate the throughput run reached (the "≤ 1 s at 50% of the measured maximum"). */
async function halfMaximum(system: TestSystem, maximum: number) {
  return steadyLatency(system, Math.max(1, Math.round(maximum / 2)), Number(process.env.BENCH_RATE_SECONDS ?? 30), 17, 'H', '500113');
}

/** At the counter, 50 claims/s: each claim previewed (试算), then submitted with `Prefer: wait=10` (the one-stop answer). */
async function counter(system: TestSystem) {
  const rate = 50;
  const previews: number[] = [];
  const waits: number[] = [];
  let incompletePreviews = 0;
  let answered202 = 0;
  const claims = await atRate(
    system,
    { seed: 13, tagPrefix: 'C', regionCode: '320100', rate, seconds: Number(process.env.BENCH_COUNTER_SECONDS ?? 20) },
    async (claim) => {
      const hospital = system.clients.basic.as({ role: 'hospital', hospital: claim.hospital.id });
      let t = performance.now();
      const preview = await hospital.post<{ missing: unknown[] }>('/claims/preview', claim);
      previews.push(performance.now() - t);
      if (preview.status !== 200 || preview.body.missing.length > 0) incompletePreviews += 1;
      t = performance.now();
      const posted = await hospital.post('/claims', claim, { prefer: 'wait=10' });
      waits.push(performance.now() - t);
      if (posted.status !== 201) answered202 += 1;
    },
  );
  return { rate, claims, preview: spread(previews), incompletePreviews, preferWait: spread(waits), answered202 };
}

async function revision(system: TestSystem) {
  const personYears = Number(process.env.BENCH_PERSON_YEARS ?? 100000);
  const tag = `R${randomTag(4).toUpperCase()}`;
  const region = `440300${tag}`.slice(0, 12);
  const policies = demoPolicies();
  await putDemoRegionYear(system, region, 2024);
  const load = await seedPersonYears(system, region, 2024, personYears, tag);
  await system.caughtUp(3600000);
  const loaded = performance.now();
  // 大病 lowers its threshold and raises its first band: every person-year of the region-year is recomputed
  const revised = {
    ...policies.criticalIllness,
    threshold: '8000',
    bands: [{ upTo: '40000', rate: '0.65' }, ...policies.criticalIllness.bands.slice(1)],
  };
  const t0 = performance.now();
  const put = await system.clients.criticalIllness.put(`/policies/${region}/2024`, revised);
  if (put.status !== 200) throw new Error(`policy revision refused: ${JSON.stringify(put.body)}`);
  let ciDone = 0;
  for (;;) {
    const status = await system.clients.criticalIllness.as('operator').get<{ recalculating: number }>('/status');
    if (status.body.recalculating === 0) {
      ciDone = performance.now();
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await system.caughtUp(3600000);
  const all = performance.now();
  return {
    personYears,
    loadSeconds: +((loaded - load.started) / 1000).toFixed(1),
    loadPersonYearsPerSecond: Math.round(personYears / ((loaded - load.started) / 1000)),
    criticalIllnessRecalculationSeconds: +((ciDone - t0) / 1000).toFixed(2),
    criticalIllnessPersonYearsPerSecond: Math.round(personYears / ((ciDone - t0) / 1000)),
    throughAssistanceSeconds: +((all - t0) / 1000).toFixed(2),
    throughAssistancePersonYearsPerSecond: Math.round(personYears / ((all - t0) / 1000)),
  };
}

/** The figures at the top of the JSON, next to the baselines of the same run. */
function headline(r: Record<string, unknown>): void {
  const t = r.throughput as { claimsPerSecond: number; peakRssMb: Record<string, number | null> } | undefined;
  const l = r.latency as { p99Ms: number } | undefined;
  const g = r.growth as { ratio: number } | undefined;
  const a = r.replay as { eventsPerSecond: number } | undefined;
  const v = r.revision as { throughAssistanceSeconds: number } | undefined;
  Object.assign(r, {
    claimsPerSecond: t?.claimsPerSecond ?? null,
    p99Ms: l?.p99Ms ?? null,
    growthRatio: g?.ratio ?? null,
    replayEventsPerSecond: a?.eventsPerSecond ?? null,
    revisionSeconds: v?.throughAssistanceSeconds ?? null,
    peakRssMb: t?.peakRssMb ?? null,
  });
}

function markdown(r: Record<string, unknown>): string {
  const lines = [
    '# Benchmark',
    '',
    `Run ${r.at} on ${r.machine}. Figures, never pass/fail; a ratio is the figure over the baseline measured in the same run.`,
    '',
    '| figure | value | target | baseline | ratio |',
    '|---|---|---|---|---|',
  ];
  const b = r.baselines as
    { postgres?: { txPerSecond: number }; kafka?: { producePerSecond: number; consumePerSecond: number } } | undefined;
  const row = (name: string, value: unknown, target = '', baseline?: number) =>
    lines.push(
      `| ${name} | ${value ?? 'n/a'} | ${target} | ${baseline ?? ''} | ${baseline && typeof value === 'number' ? (value / baseline).toFixed(3) : ''} |`,
    );
  row('raw Postgres single-row tx/s (8 clients)', b?.postgres?.txPerSecond);
  row('raw Kafka produce msgs/s', b?.kafka?.producePerSecond);
  row('raw Kafka consume msgs/s', b?.kafka?.consumePerSecond);
  const t = r.throughput as { claims?: number; cpuSeconds?: Record<string, number> } | undefined;
  row(`claims/s settled end to end (${t?.claims ?? '?'} claims)`, r.claimsPerSecond, '≥ 1000', b?.postgres?.txPerSecond);
  const l = r.latency as { p50Ms?: number; p99Ms?: number } | undefined;
  row('p50 ms POST → SETTLED at 100/s', l?.p50Ms);
  row('p99 ms POST → SETTLED at 100/s', r.p99Ms, '≤ 300');
  const h = r.halfMaximum as { rate?: number; p50Ms?: number; p99Ms?: number } | undefined;
  row(`p50 ms POST → SETTLED at half the maximum (${h?.rate ?? '?'}/s)`, h?.p50Ms);
  row(`p99 ms POST → SETTLED at half the maximum (${h?.rate ?? '?'}/s)`, h?.p99Ms, '≤ 1000');
  const c = r.counter as { preview?: { p50Ms: number; p99Ms: number }; preferWait?: { p50Ms: number; p99Ms: number } } | undefined;
  row('p50 ms POST /claims/preview at 50/s', c?.preview?.p50Ms);
  row('p99 ms POST /claims/preview at 50/s', c?.preview?.p99Ms);
  row('p50 ms POST /claims Prefer: wait at 50/s', c?.preferWait?.p50Ms);
  row('p99 ms POST /claims Prefer: wait at 50/s', c?.preferWait?.p99Ms);
  const g = r.growth as { claims?: number; msAround10th?: number; msAroundLast?: number } | undefined;
  row(`POST → SETTLED ms around a person-year's 10th claim`, g?.msAround10th);
  row(`POST → SETTLED ms around its ${g?.claims ?? '?'}th claim`, g?.msAroundLast);
  row('growth ratio (last / 10th)', r.growthRatio, '≤ 1.2');
  row('audit replay events/s (database to differences)', r.replayEventsPerSecond, '≥ 100000', b?.kafka?.consumePerSecond);
  const v = r.revision as { personYears?: number; criticalIllnessRecalculationSeconds?: number } | undefined;
  row(`大病 revision seconds, 大病 alone (${v?.personYears ?? '?'} person-years)`, v?.criticalIllnessRecalculationSeconds);
  row('大病 revision seconds, through assistance', r.revisionSeconds, '≤ 20');
  const rss = (r.peakRssMb ?? {}) as Record<string, number | null>;
  for (const [service, mb] of Object.entries(rss)) row(`peak RSS MB, ${service} (throughput run)`, mb, '≤ 300');
  if (t?.cpuSeconds) {
    lines.push('', 'CPU seconds while the throughput run settled its claims:', '');
    lines.push(
      `| ${Object.keys(t.cpuSeconds).join(' | ')} |`,
      `|${Object.keys(t.cpuSeconds)
        .map(() => '---')
        .join('|')}|`,
    );
    lines.push(`| ${Object.values(t.cpuSeconds).join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

async function main() {
  const infra = await startTestInfrastructure();
  process.env.KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.DATABASE_URL = infra.databaseUrl;
  results.at = new Date().toISOString();
  results.machine = `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;
  if (only.includes('baselines')) {
    out('baselines…');
    results.baselines = { postgres: await postgresBaseline(), kafka: await kafkaBaseline() };
    out(JSON.stringify(results.baselines));
  }
  const system = await TestSystem.start({ env: { LOG_LEVEL: 'warn' } });
  try {
    if (only.includes('idle')) {
      out('idle…');
      results.idle = await idle(system);
      out(JSON.stringify(results.idle));
    }
    if (only.includes('throughput')) {
      out('throughput…');
      results.throughput = await throughput(system);
      out(JSON.stringify(results.throughput));
    }
    if (only.includes('latency')) {
      out('latency at 100 claims/s…');
      results.latency = await latency(system);
      out(JSON.stringify(results.latency));
    }
    const maximum = (results.throughput as { claimsPerSecond?: number } | undefined)?.claimsPerSecond;
    if (only.includes('half') && maximum) {
      out(`latency at half the measured maximum (${Math.round(maximum / 2)} claims/s)…`);
      results.halfMaximum = await halfMaximum(system, maximum);
      out(JSON.stringify(results.halfMaximum));
    }
    if (only.includes('counter')) {
      out('at the counter, 50 claims/s: preview, then Prefer: wait…');
      results.counter = await counter(system);
      out(JSON.stringify(results.counter));
    }
    if (only.includes('replay')) {
      out('audit replay…');
      await system.caughtUp(600000);
      const replay = await system.clients.audit.withTimeout(600000).post<{
        events: number;
        decisions: number;
        seconds: number;
        eventsPerSecond: number;
        differences: unknown[];
      }>('/replays');
      results.replay = {
        events: replay.body.events,
        decisions: replay.body.decisions,
        seconds: replay.body.seconds,
        eventsPerSecond: replay.body.eventsPerSecond,
        differences: replay.body.differences.length,
      };
      out(JSON.stringify(results.replay));
    }
    if (only.includes('growth')) {
      out('one person-year, claim after claim…');
      results.growth = await growth(system);
      out(JSON.stringify(results.growth));
    }
  } finally {
    await system.stop();
  }
  if (only.includes('revision')) {
    // without audit, so that its ingestion of the seeded decisions does not share the two cores
    const payers = await TestSystem.start({
      services: ['basic-insurance', 'critical-illness', 'medical-assistance'],
      env: { LOG_LEVEL: 'warn' },
    });
    try {
      out('policy revision…');
      results.revision = await revision(payers);
      out(JSON.stringify(results.revision));
    } finally {
      await payers.stop();
    }
  }
  await infra.stop();
  const dir = join(repoRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  headline(results);
  const stamp = String(results.at).replace(/[:.]/g, '-');
  writeFileSync(join(dir, `${stamp}.json`), JSON.stringify(results, null, 2));
  const md = markdown(results);
  writeFileSync(join(dir, 'latest.md'), md);
  out(`\n${md}`);
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : e}\n`);
  process.exit(1);
});
