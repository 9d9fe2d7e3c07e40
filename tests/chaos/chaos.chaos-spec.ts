import { ClaimDto, GrantRequestDto, ScenarioStep } from '@msb/contracts';
import {
  correctedDown,
  applyStep,
  expectedSlips,
  ChaosChecker,
  demoPolicies,
  describeFault,
  FaultInjector,
  faultSchedule,
  generateWorkload,
  WORKLOAD_CODES,
  workloadSetupSteps,
  inParallel,
  randomTag,
  rng,
  SERVICE_NAMES,
  ServiceName,
  SystemClients,
  TestSystem,
} from '@msb/testing';
import { Client } from 'pg';

/**
 * A randomized fault schedule (FAULT_SEED reproduces it) on two replicas of every service,
 * while a workload of claims, corrections, reversals, grants, revocations, a policy and a
 * catalogue revision runs: kill -9, SIGSTOP past the consumer session timeout, a broker restart, cut
 * database connections, a starved pool, a poison message and an event too large for the bus,
 * interleaved at random. A checker reads slips and ledgers all along. At the end every slip is
 * what libs/settlement computes, no claim was paid twice, replay finds nothing, the chain
 * verifies, and nothing is dead-lettered or set aside but what the schedule poisoned.
 *
 * `npm test` runs a short schedule; `npm run test:chaos` a long one (CHAOS_PROFILE=long), or
 * set CHAOS_DURATION_MS / CHAOS_CLAIMS / FAULT_SEED.
 */
const long = process.env.CHAOS_PROFILE === 'long';
const seed = Number(process.env.FAULT_SEED ?? Date.now() % 100_000);
// the short schedule still applies every kind of fault once at least (faultSchedule); the long one many times
const DURATION_MS = Number(process.env.CHAOS_DURATION_MS ?? (long ? 600_000 : 55_000));
const CLAIMS = Number(process.env.CHAOS_CLAIMS ?? (long ? 6000 : 320));
const REPLICAS = 2;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`chaos: a randomized fault schedule on two replicas (FAULT_SEED=${seed})`, () => {
  let system: TestSystem;
  let checker: ChaosChecker | undefined;
  const timeline: string[] = [];
  const started = Date.now();
  const note = (line: string) => {
    const at = `${((Date.now() - started) / 1000).toFixed(1)}s`;
    timeline.push(`${at} ${line}`);
    process.stderr.write(`[chaos ${at}] ${line}\n`);
  };

  beforeAll(async () => {
    system = await TestSystem.start({ replicas: REPLICAS });
  }, 180_000);

  afterAll(async () => {
    if (timeline.length) process.stderr.write(`[chaos] FAULT_SEED=${seed} timeline:\n  ${timeline.join('\n  ')}\n`);
    await checker?.stop(); // a failed run leaves no reader behind
    await system?.stop();
  }, 180_000);

  it('settles every claim exactly once and exactly right, and every read along the way holds', async () => {
    const random = rng(seed);
    const schedule = faultSchedule(seed, { durationMs: DURATION_MS, replicas: REPLICAS });
    note(`schedule of ${schedule.length} faults:\n  ${schedule.map(describeFault).join('\n  ')}`);

    const replicaClients = (i: number): SystemClients => ({
      basic: system.replicaClient('basic-insurance', i),
      criticalIllness: system.replicaClient('critical-illness', i),
      assistance: system.replicaClient('medical-assistance', i),
      audit: system.replicaClient('audit', i),
    });
    const clients = Array.from({ length: REPLICAS }, (_, i) => replicaClients(i));
    let turn = 0;
    let unavailable = 0;
    const steps: ScenarioStep[] = [];

    /** A step through the replicas in turn; after a failure the next try goes to the other replica. Writes are idempotent. */
    const run = async (step: ScenarioStep) => {
      const deadline = Date.now() + 240_000;
      for (let attempt = 1; ; attempt++) {
        try {
          await applyStep(clients[turn++ % REPLICAS], step);
          steps.push(step);
          return;
        } catch (error) {
          const message = String((error as Error).message ?? error) + String((error as { cause?: unknown }).cause ?? '');
          if (attempt > 1 && /answered 409/.test(message) && (step.op === 'reverseClaim' || step.op === 'revokeEligibility')) {
            steps.push(step); // the first attempt went through
            return;
          }
          if (Date.now() > deadline) throw error;
          if (!/answered 50[0-9]|fetch failed|ECONNREFUSED|ECONNRESET|socket|terminated|aborted|timeout/i.test(message)) throw error;
          unavailable += 1;
          await sleep(Math.min(2000, 100 * attempt));
        }
      }
    };

    const tag = `C${randomTag(4).toUpperCase()}`;
    const regions = ['610100', '321300'].map((r) => `${r}${tag}`.slice(0, 12));
    const year = 2024;
    const workload = generateWorkload({ seed, tag, regions, year, people: Math.ceil(CLAIMS / 3), claims: CLAIMS, eligibleShare: 0.12 });
    const policies = demoPolicies();
    // the policies, both catalogues of each region and the hospitals
    for (const step of workloadSetupSteps(workload, policies)) await run(step);
    await inParallel(workload.grants, 8, (g) => run({ op: 'grantEligibility', ...g }));

    // the checker samples what was accepted so far
    const accepted: string[] = [];
    const personYears = new Set<string>();
    checker = new ChaosChecker(
      {
        basic: () => system.replicaClient('basic-insurance', Math.floor(random() * REPLICAS)),
        criticalIllness: () => system.replicaClient('critical-illness', Math.floor(random() * REPLICAS)),
        assistance: () => system.replicaClient('medical-assistance', Math.floor(random() * REPLICAS)),
      },
      () => ({ claimIds: accepted, personYears: [...personYears] }),
      rng(seed + 1),
    );
    checker.start();

    // the faults, on their schedule, while the workload runs
    const injector = new FaultInjector(system, note, rng(seed + 2));
    const t0 = Date.now();
    const faults = inParallel(schedule, schedule.length, async (fault) => {
      await sleep(Math.max(0, fault.at - (Date.now() - t0)));
      note(`fault: ${describeFault(fault)}`);
      await injector.apply(fault);
    });

    // claims paced over 60% of the schedule, then what comes after them, then a policy and a catalogue revision
    const position = new Map(workload.claims.map((c, i) => [c.claimId, i]));
    await inParallel(workload.claims, 12, async (claim) => {
      const due = t0 + (DURATION_MS * 0.6 * position.get(claim.claimId)!) / workload.claims.length;
      await sleep(Math.max(0, due - Date.now()));
      await run({ op: 'submitClaim', claim });
      accepted.push(claim.claimId);
      personYears.add(`${claim.region}/${claim.personId}/${year}`);
    });
    note(`${workload.claims.length} claims accepted`);
    const shuffled = [...workload.claims].sort(() => random() - 0.5);
    const corrections: ClaimDto[] = shuffled.slice(0, Math.round(CLAIMS * 0.05)).map(correctedDown);
    const reversals = shuffled.slice(Math.round(CLAIMS * 0.05), Math.round(CLAIMS * 0.08));
    const granted = new Set(workload.grants.map((g) => g.personId));
    const retro: GrantRequestDto[] = workload.people
      .filter((p) => !granted.has(p))
      .slice(0, 20)
      .map((personId, i) => ({
        grantId: `${tag}-RETRO-${i}`,
        personId,
        category: i % 2 ? 'LOW_INCOME' : 'MINIMUM_LIVING',
        validFrom: `${year}-03-01`,
      }));
    await inParallel(
      [
        ...corrections.map((claim): ScenarioStep => ({ op: 'correctClaim', claim })),
        ...reversals.map((c): ScenarioStep => ({ op: 'reverseClaim', claimId: c.claimId })),
        ...retro.map((g): ScenarioStep => ({ op: 'grantEligibility', ...g })),
        ...workload.grants.slice(0, 6).map((g): ScenarioStep => ({ op: 'revokeEligibility', grantId: g.grantId })),
      ],
      8,
      run,
    );
    await run({ op: 'putPolicy', region: regions[0], year, criticalIllness: { ...policies.criticalIllness, threshold: '8000' } });
    // and a catalogue revision: the bureau lists B-TREATMENT-15 at 25 % self-pay, 大病 admits C-OTHER too
    await run({
      op: 'putCatalogue',
      region: regions[1],
      year,
      basic: { items: { ...workload.catalogue.items, [WORKLOAD_CODES.treatmentAt['0.15']]: { category: 'B', selfPayRatio: '0.25' } } },
      criticalIllness: { covered: [...workload.criticalIllnessCatalogue.covered, WORKLOAD_CODES.other] },
    });
    note(`workload done (${unavailable} retries while a replica was unavailable)`);
    await faults;
    note('every fault applied and undone');

    for (const name of SERVICE_NAMES) for (let i = 0; i < REPLICAS; i++) await system.waitHealthy(name, 120_000, i);
    await system.caughtUp(600_000);
    await checker.stop();
    note(`caught up; the checker made ${checker.reads} reads (${checker.unavailable} unavailable)`);
    expect(checker.reads).toBeGreaterThan(0);
    expect(checker.violations).toEqual([]);

    // 1. every claim exactly as the rules compute from the same facts, and conserved
    const expected = expectedSlips(steps);
    expect(expected.size).toBe(workload.claims.length);
    const wrong: string[] = [];
    await inParallel([...expected.keys()], 16, async (claimId) => {
      await checker.checkSlip(claimId);
      const s = (await system.clients.basic.get<Record<string, string>>(`/claims/${claimId}`)).body;
      const e = expected.get(claimId)!;
      if (s.status !== e.status || s.basic !== e.basic || s.criticalIllness !== e.criticalIllness || s.assistance !== e.assistance)
        wrong.push(`${claimId}: expected ${JSON.stringify(e)}, got ${JSON.stringify(s)}`);
    });
    expect(wrong).toEqual([]);
    expect(checker.violations).toEqual([]);

    // 2. no payer settled a claim twice (one …Settled per claim; later changes are adjustments)
    for (const [name, type] of [
      ['basic-insurance', 'BasicSettled'],
      ['critical-illness', 'CriticalIllnessSettled'],
      ['medical-assistance', 'AssistanceSettled'],
    ] as const) {
      const rows = await query(
        system,
        name,
        `SELECT data->>'claimId' AS claim, count(*)::int AS n FROM events WHERE type = $1 GROUP BY 1`,
        [type],
      );
      expect(rows.filter((r) => r.n !== 1)).toEqual([]);
      expect(rows.length).toBe(workload.claims.length);
    }

    // 3. nothing dead-lettered but the poison, by every consumer of its topic; nothing set aside but the oversized
    const deadLetters: string[] = [];
    const expectedDead: string[] = [];
    for (const name of SERVICE_NAMES) {
      for (const r of await query(system, name, 'SELECT topic, partition, "offset"::text AS offset FROM dead_letters'))
        deadLetters.push(`${name} ${r.topic}[${r.partition}]@${r.offset}`);
    }
    for (const p of injector.poisoned) for (const c of p.consumers) expectedDead.push(`${c} ${p.topic}[${p.partition}]@${p.offset}`);
    expect(deadLetters.sort()).toEqual(expectedDead.sort());
    for (const name of SERVICE_NAMES) {
      const setAside = (await query(system, name, 'SELECT message_id::text AS id FROM outbox_set_aside')).map((r) => r.id).sort();
      expect(setAside).toEqual(
        injector.oversized
          .filter((o) => o.service === name)
          .map((o) => o.messageId)
          .sort(),
      );
      expect(await query(system, name, 'SELECT id FROM outbox')).toEqual([]);
    }

    // 4. no person-year held or partition paused, the audit record holds: chain verified, every decision re-derived
    for (const name of SERVICE_NAMES) {
      const status = (await system.client(name).get<{ held?: number; paused?: unknown[] }>('/status')).body;
      expect({ name, held: status.held ?? 0, paused: status.paused ?? [] }).toEqual({ name, held: 0, paused: [] });
    }
    const verify = await system.clients.audit.post<{ ok: boolean; events: number }>('/verify');
    expect(verify.body.ok).toBe(true);
    const replay = await system.clients.audit.post<{ differences: unknown[] }>('/replays');
    expect(replay.body.differences).toEqual([]);
    note(
      `verified ${expected.size} claims, ${verify.body.events} audit events; ${injector.poisoned.length} poisoned, ${injector.oversized.length} oversized`,
    );
  }, 3_600_000);
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of ad-hoc queries
async function query(system: TestSystem, name: ServiceName, sql: string, params: unknown[] = []): Promise<Record<string, any>[]> {
  const db = new Client({ connectionString: system.databaseUrl(name) });
  await db.connect();
  try {
    return (await db.query(sql, params)).rows;
  } finally {
    await db.end();
  }
}
