import { ClaimDto, GrantRequestDto, ScenarioStep } from '@msb/contracts';
import { money } from '@msb/money';
import {
  correctedDown,
  applyStep,
  expectedSlips,
  demoPolicies,
  generateWorkload,
  workloadSetupSteps,
  inParallel,
  randomTag,
  rng,
  SERVICE_NAMES,
  ServiceName,
  TestSystem,
} from '@msb/testing';
import { Client } from 'pg';

/**
 * Two replicas of every service, sharing each service's database and consumer groups. A
 * generated workload (claims, corrections, reversals, grants, revocations, a policy revision)
 * is spread over both replicas of each service, a claim's correction or reversal going to the
 * other replica than the claim; one replica of each service is killed (-9) mid-run and started
 * again, 大病's in the middle of the policy revision's recalculation. Afterwards every slip, read
 * from either replica, is what libs/settlement computes from the same facts; no claim was paid
 * twice; the slips conserve; the audit log verifies and replays without a difference; and the
 * recalculation ran once: one job, its batches recorded back to back (each stretch of the
 * region-year once), no person-year decided twice on the revision. REPLICAS_SEED reproduces.
 */
const seed = Number(process.env.REPLICAS_SEED ?? Date.now() % 100_000);
const CLAIMS = Number(process.env.REPLICAS_CLAIMS ?? 240); // a kill lands mid-workload either way; REPLICAS_CLAIMS=1000 for a longer one
const REPLICAS = 2;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface BatchRow {
  after_cursor: string;
  last_cursor: string;
  count: number;
  instance: string;
  recorded_at: Date;
}

describe(`two replicas of every service (REPLICAS_SEED=${seed})`, () => {
  let system: TestSystem;
  const timeline: string[] = [];
  const note = (line: string) => {
    timeline.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
    process.stderr.write(`[replicas] ${line}\n`);
  };
  let rerouted = 0;

  const query = async <T extends Record<string, unknown>>(name: ServiceName, sql: string, params: unknown[] = []): Promise<T[]> => {
    const db = new Client({ connectionString: system.databaseUrl(name) });
    await db.connect();
    try {
      return (await db.query<T>(sql, params)).rows;
    } finally {
      await db.end();
    }
  };

  /** Until when a replica that refused a connection is passed over (a load balancer's health check, roughly). */
  const downUntil = Array.from({ length: REPLICAS }, () => 0);

  /**
   * Apply a step on a replica; while that replica is down (killed, restarting) the step goes to
   * the other, as a load balancer would. Retried writes are idempotent.
   */
  async function onReplica(step: ScenarioStep, preferred: number): Promise<void> {
    const deadline = Date.now() + 180_000;
    for (let attempt = 0; ; attempt++) {
      const replica = downUntil[preferred] > Date.now() ? (preferred + 1) % REPLICAS : (preferred + attempt) % REPLICAS;
      try {
        await applyStep(system.replicaClients(replica), step);
        return;
      } catch (error) {
        const message = String((error as Error).message ?? error) + String((error as { cause?: unknown }).cause ?? '');
        // a retry of a reversal or revocation whose first attempt did go through
        if (attempt > 0 && /answered 409/.test(message) && (step.op === 'reverseClaim' || step.op === 'revokeEligibility')) return;
        if (Date.now() > deadline) throw error;
        if (!/answered 50[0-9]|fetch failed|ECONNREFUSED|ECONNRESET|socket|terminated|aborted|timeout/i.test(message)) throw error;
        if (/fetch failed|ECONNREFUSED|ECONNRESET|socket|terminated/i.test(message)) downUntil[replica] = Date.now() + 3000;
        rerouted += 1;
        await sleep(Math.min(1000, 50 * (attempt + 1)));
      }
    }
  }

  beforeAll(async () => {
    // small recalculation batches: the policy revision's job spans many transactions, so that it can be interrupted
    system = await TestSystem.start({ replicas: REPLICAS, env: { RECALCULATION_BATCH_SIZE: '1' } });
  }, 180_000);

  afterAll(async () => {
    if (timeline.length) process.stderr.write(`[replicas] timeline:\n  ${timeline.join('\n  ')}\n`);
    await system?.stop();
  }, 180_000);

  it('starts every replica against one database per service, each its own instance', async () => {
    expect(system.replicas).toBe(REPLICAS);
    for (const name of SERVICE_NAMES) {
      const seen = new Set<string>();
      for (let i = 0; i < REPLICAS; i++) {
        expect(system.pid(name, i)).toEqual(expect.any(Number));
        const status = await system.replicaClient(name, i).as('operator').get<{ instance: string }>('/status');
        expect(status.status).toBe(200);
        seen.add(status.body.instance);
        expect(status.body.instance).toBe(system.instanceId(name, i));
      }
      expect(seen.size).toBe(REPLICAS);
      // both started at once against the same database: its migrations ran once
      const applied = await query<{ name: string; n: string }>(
        name,
        'SELECT name, count(*) AS n FROM migrations GROUP BY name HAVING count(*) > 1',
      );
      expect(applied).toEqual([]);
    }
  }, 60_000);

  it('records a claim id sent to both replicas at the same moment once: the same claim answered twice, another claim under its id refused', async () => {
    const tag = `D${randomTag(4).toUpperCase()}`;
    const region = `440300${tag}`.slice(0, 12);
    const year = 2024;
    const workload = generateWorkload({ seed, tag, regions: [region], year, people: 40, claims: 40 });
    for (const step of workloadSetupSteps(workload, demoPolicies())) await onReplica(step, 0);
    const { claims } = workload;
    const post = (replica: number, claim: ClaimDto) =>
      system.replicaClient('basic-insurance', replica).as({ role: 'hospital', hospital: claim.hospital.id }).post('/claims', claim);
    const outcomes: string[] = [];
    await inParallel(claims, 4, async (claim, i) => {
      // half of them: the very same claim on both; the other half: another person's claim under the same id
      const twin = i % 2 === 0 ? claim : { ...claim, personId: `${claim.personId}-OTHER` };
      const answers = await Promise.all([post(0, claim), post(1, twin)]);
      outcomes.push(
        `${i % 2 === 0 ? 'same' : 'other'} ${answers
          .map((a) => a.status)
          .sort()
          .join('/')}`,
      );
    });
    expect(outcomes.filter((o) => o.startsWith('same') && o !== 'same 202/202')).toEqual([]);
    expect(outcomes.filter((o) => o.startsWith('other') && o !== 'other 202/409')).toEqual([]);
    // each claim id recorded in one person-year, once
    const recorded = await query<{ claim: string; n: string }>(
      'basic-insurance',
      "SELECT data->'claim'->>'claimId' AS claim, count(*) AS n FROM events WHERE type = 'ClaimSubmitted' AND data->'claim'->>'claimId' = ANY($1::text[]) GROUP BY 1",
      [claims.map((c) => c.claimId)],
    );
    expect(recorded.filter((r) => Number(r.n) !== 1)).toEqual([]);
    expect(recorded).toHaveLength(claims.length);
  }, 120_000);

  it('settles every claim exactly once and exactly right with requests spread over both replicas and one replica of each service killed', async () => {
    const random = rng(seed);
    const tag = `R${randomTag(4).toUpperCase()}`;
    const regions = ['610100', '321300'].map((r) => `${r}${tag}`.slice(0, 12));
    const year = 2024;
    const workload = generateWorkload({ seed, tag, regions, year, people: Math.ceil(CLAIMS / 3), claims: CLAIMS, eligibleShare: 0.12 });
    const policies = demoPolicies();
    const steps: ScenarioStep[] = [];
    let turn = 0;
    /** Each step on the next replica in turn (claims: remember which one took it). */
    const run = async (step: ScenarioStep, replica = turn++ % REPLICAS) => {
      await onReplica(step, replica);
      steps.push(step);
    };
    const tookClaim = new Map<string, number>();

    // the policies, both catalogues of each region and the hospitals, then the grants
    for (const step of workloadSetupSteps(workload, policies)) await run(step);
    await inParallel(workload.grants, 8, (g) => run({ op: 'grantEligibility', ...g }));

    // kill -9 one replica of basic, assistance and audit while the claims flow, and start it again
    let flowing = true;
    const chaos = (async () => {
      await sleep(1000);
      for (const name of ['basic-insurance', 'medical-assistance', 'audit'] as const) {
        await sleep(300 + random() * 1200);
        const replica = Math.floor(random() * REPLICAS);
        const killed = await system.kill(name, 'SIGKILL', replica);
        note(`kill -9 ${name} replica ${replica}: ${JSON.stringify(killed)}`);
        expect(killed.alreadyExited).toBe(false);
        await sleep(random() * 1000);
        await system.restart(name, replica);
        note(`${name} replica ${replica} restarted`);
      }
      while (flowing) await sleep(200);
    })();
    chaos.catch(() => undefined); // awaited below

    const started = Date.now();
    await inParallel(workload.claims, 12, async (claim, i) => {
      tookClaim.set(claim.claimId, i % REPLICAS);
      await run({ op: 'submitClaim', claim }, i % REPLICAS);
    });
    note(`${workload.claims.length} claims accepted in ${Date.now() - started} ms`);

    // corrections and reversals on the replica that did not take the claim; grants and revocations alternately
    const shuffled = [...workload.claims].sort(() => random() - 0.5);
    const corrections: ClaimDto[] = shuffled.slice(0, Math.round(CLAIMS * 0.06)).map(correctedDown);
    const reversals = shuffled.slice(Math.round(CLAIMS * 0.06), Math.round(CLAIMS * 0.1));
    const granted = new Set(workload.grants.map((g) => g.personId));
    const retro: GrantRequestDto[] = workload.people
      .filter((p) => !granted.has(p))
      .slice(0, 15)
      .map((personId, i) => ({
        grantId: `${tag}-RETRO-${i}`,
        personId,
        category: i % 2 ? 'LOW_INCOME' : 'MINIMUM_LIVING',
        validFrom: `${year}-03-01`,
      }));
    const other = (claimId: string) => (tookClaim.get(claimId)! + 1) % REPLICAS;
    await inParallel(
      [
        ...corrections.map((claim) => () => run({ op: 'correctClaim', claim }, other(claim.claimId))),
        ...reversals.map((c) => () => run({ op: 'reverseClaim', claimId: c.claimId }, other(c.claimId))),
        ...retro.map((g) => () => run({ op: 'grantEligibility', ...g })),
        ...workload.grants.slice(0, 6).map((g) => () => run({ op: 'revokeEligibility', grantId: g.grantId })),
      ],
      8,
      (step) => step(),
    );
    flowing = false;
    await chaos;

    // the policy revision, and 大病's replica that is recalculating killed in the middle of the job
    await system.caughtUp(300_000);
    await run({ op: 'putPolicy', region: regions[0], year, criticalIllness: { ...policies.criticalIllness, threshold: '8000' } });
    const jobOf = () =>
      query<{ id: string; status: string; processed: number; total: number | null }>(
        'critical-illness',
        'SELECT id, status, processed, total FROM recalculations WHERE region = $1 AND year = $2 AND policy_revision = 2',
        [regions[0], year],
      );
    const deadline = Date.now() + 60_000;
    let running: { id: string; status: string; processed: number } | undefined;
    while (!running && Date.now() < deadline) {
      const [job] = await jobOf();
      if (job?.status === 'DONE') throw new Error('the recalculation finished before it could be interrupted: make its batches smaller');
      if (job?.status === 'RUNNING' && job.processed >= 3) running = job;
      else await sleep(10);
    }
    if (!running) throw new Error('the recalculation did not start within 60 s');
    const [latest] = await query<{ instance: string }>(
      'critical-illness',
      'SELECT instance FROM recalculation_batches WHERE job_id = $1 ORDER BY recorded_at DESC LIMIT 1',
      [running.id],
    );
    const worker = [0, 1].find((i) => system.instanceId('critical-illness', i) === latest.instance)!;
    const killedAt = new Date();
    const killed = await system.kill('critical-illness', 'SIGKILL', worker);
    note(
      `kill -9 critical-illness replica ${worker} mid-recalculation (${running.processed} person-years done): ${JSON.stringify(killed)}`,
    );
    expect(killed.alreadyExited).toBe(false);
    await system.restart('critical-illness', worker);
    note(`critical-illness replica ${worker} restarted`);
    note(`workload done in ${Date.now() - started} ms (${rerouted} requests retried on the other replica)`);

    for (const name of SERVICE_NAMES) await system.waitHealthy(name, 120_000);
    await system.caughtUp(300_000);
    note('caught up');

    // 1. every claim exactly as the rules compute from the same facts, the same from either replica
    const expected = expectedSlips(steps);
    expect(expected.size).toBe(workload.claims.length);
    const wrong: string[] = [];
    type Slip = { status: string; total: string; basic: string; criticalIllness: string; assistance: string; selfPay: string };
    await inParallel([...expected.keys()], 16, async (claimId) => {
      const [a, b] = await Promise.all([0, 1].map((i) => system.replicaClient('basic-insurance', i).get<Slip>(`/claims/${claimId}`)));
      if (JSON.stringify(a.body) !== JSON.stringify(b.body)) wrong.push(`${claimId}: the replicas disagree`);
      const s = a.body;
      const e = expected.get(claimId)!;
      if (s.status !== e.status || s.basic !== e.basic || s.criticalIllness !== e.criticalIllness || s.assistance !== e.assistance)
        wrong.push(`${claimId}: expected ${JSON.stringify(e)}, got ${JSON.stringify(s)}`);
      // 2. conservation on every slip
      const sum = money(s.basic).plus(s.criticalIllness).plus(s.assistance).plus(s.selfPay);
      if (!sum.eq(s.total) || [s.basic, s.criticalIllness, s.assistance, s.selfPay].some((x) => money(x).isNegative()))
        wrong.push(`${claimId}: conservation broken ${JSON.stringify(s)}`);
    });
    expect(wrong).toEqual([]);

    // 3. no payer settled a claim twice (one …Settled per claim; later changes are adjustments)
    for (const [name, type] of [
      ['basic-insurance', 'BasicSettled'],
      ['critical-illness', 'CriticalIllnessSettled'],
      ['medical-assistance', 'AssistanceSettled'],
    ] as const) {
      const twice = await query(
        name,
        `SELECT data->>'claimId' AS claim, count(*) FROM events WHERE type = $1 GROUP BY 1 HAVING count(*) > 1`,
        [type],
      );
      const [settled] = await query<{ n: string }>(
        name,
        "SELECT count(DISTINCT data->>'claimId') AS n FROM events WHERE type = $1 AND data->>'claimId' LIKE $2",
        [type, `${tag}-%`],
      );
      expect({ name, twice }).toEqual({ name, twice: [] });
      expect(Number(settled.n)).toBe(workload.claims.length);
    }

    // 4. the audit record holds: chains and tree verified, every decision re-derived, no integrity flag
    const verify = await system.clients.audit.post<{ ok: boolean; events: number }>('/verify');
    expect(verify.body.ok).toBe(true);
    const replay = await system.replicaClient('audit', 1).post<{ differences: unknown[] }>('/replays');
    expect(replay.body.differences).toEqual([]);
    const flags = await system.clients.audit.get<{ flags: { category: string }[] }>('/flags');
    expect(flags.body.flags.filter((f) => f.category === 'INTEGRITY')).toEqual([]);

    // 5. the policy revision was recalculated once: one job, done after the kill; its batches back to back
    const jobs = await jobOf();
    expect(jobs).toHaveLength(1);
    const [job] = jobs;
    expect(job.status).toBe('DONE');
    const batches = await query<BatchRow & Record<string, unknown>>(
      'critical-illness',
      'SELECT after_cursor, last_cursor, count, instance, recorded_at FROM recalculation_batches WHERE job_id = $1 ORDER BY after_cursor',
      [job.id],
    );
    let cursor = '';
    for (const b of batches) {
      expect({ from: b.after_cursor }).toEqual({ from: cursor }); // each batch starts where the one before ended: no stretch twice
      expect(b.last_cursor > b.after_cursor).toBe(true);
      cursor = b.last_cursor;
    }
    expect(batches.reduce((n, b) => n + b.count, 0)).toBe(job.processed);
    expect(batches.some((b) => b.recorded_at > killedAt)).toBe(true); // resumed after its worker was killed
    const [{ n: personYears }] = await query<{ n: string }>(
      'critical-illness',
      'SELECT count(*) AS n FROM person_years WHERE region = $1 AND year = $2 AND stream_id <= $3',
      [regions[0], year, cursor],
    );
    expect(job.processed).toBe(Number(personYears)); // every person-year up to the end once
    const decidedTwice = await query(
      'critical-illness',
      `SELECT stream_id, count(*) FROM events WHERE type = 'PersonYearDecided' AND data->'cause'->>'reason' = 'POLICY_REVISED'
       AND (data->>'policyRevision')::int = 2 GROUP BY 1 HAVING count(*) > 1`,
    );
    expect(decidedTwice).toEqual([]);
    // 6. and every replica is ready again (one restarted after a crash joins its groups once the dead member's session has expired)
    for (const { name, replica } of system.runningReplicas()) {
      const probe = () => system.replicaClient(name, replica).anonymous().get('/health/ready');
      const readyBy = Date.now() + 90_000;
      let ready = await probe();
      while (ready.status !== 200 && Date.now() < readyBy) {
        await sleep(500);
        ready = await probe();
      }
      expect({ name, replica, status: ready.status, body: ready.body }).toEqual({ name, replica, status: 200, body: { status: 'ready' } });
    }
    note(
      `verified ${expected.size} claims, ${verify.body.events} audit events; recalculation: ${batches.length} batches by ${[...new Set(batches.map((b) => b.instance))].join(', ')}`,
    );
  }, 600_000);
});
