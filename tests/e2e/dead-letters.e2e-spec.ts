import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { TOPICS } from '@msb/contracts';
import { applyStep, IdMap, loadScenario, mapStep, observe, randomTag, repoRoot, TestSystem } from '@msb/testing';
import { Client } from 'pg';

/**
 * Dead letters re-driven with `npm run dlt`: a valid basic decision that 大病 cannot store until
 * a condition is fixed (a check its database enforces for two people, as a constraint would) is
 * retried, then dead-lettered; `retry` while the condition holds records the failure; once it is
 * fixed `retry` applies it exactly once and the claim settles as it should have, a second `retry`
 * is a no-op, and `retry-all TOPIC` re-drives the other one. No message body is ever printed.
 */
interface DeadLetter {
  id: string;
  topic: string;
  type: string | null;
  reason: string;
  status: string;
  retries: number;
  lastRetryReason: string | null;
}

describe('dead letters re-driven by an operator', () => {
  let system: TestSystem;
  let ci: Client;
  const scenario = loadScenario('low-income-margin-assistance.json');
  const first = new IdMap(randomTag());
  const second = new IdMap(randomTag());

  const dlt = (...args: string[]) => {
    const urls = Object.fromEntries(
      (['basic-insurance', 'critical-illness', 'medical-assistance', 'audit'] as const).map((s) => [
        `${s.toUpperCase().replace(/-/g, '_')}_URL`,
        `http://127.0.0.1:${system.ports[s]}`,
      ]),
    );
    const r = spawnSync(
      process.execPath,
      ['-r', join(repoRoot(), 'tools/register-paths.js'), join(repoRoot(), 'dist/tools/dlt.js'), ...args],
      {
        cwd: repoRoot(),
        env: { ...process.env, ...urls },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const deadLetters = async () =>
    (await system.clients.criticalIllness.as('operator').get<{ deadLetters: DeadLetter[] }>('/dead-letters')).body.deadLetters;
  /** 大病's events of a run's person-year: the effect of its basic decision, counted. */
  const ciEvents = async (ids: IdMap) =>
    Number((await ci.query('SELECT count(*) AS n FROM events WHERE stream_id LIKE $1', [`%:${ids.person('P-LIM')}:%`])).rows[0].n);
  const submit = (ids: IdMap) =>
    applyStep(
      system.clients,
      mapStep(
        scenario.steps.find((s) => s.op === 'submitClaim')!,
        ids,
      ),
    );

  beforeAll(async () => {
    system = await TestSystem.start();
    ci = new Client({ connectionString: system.databaseUrl('critical-illness') });
    await ci.connect();
  }, 180_000);

  afterAll(async () => {
    await ci?.end();
    await system?.stop();
  }, 120_000);

  it('dead-letters a decision 大病 cannot store, retries it once fixed, exactly once; retry-all re-drives the rest', async () => {
    const person = (scenario.steps.find((s) => s.op === 'submitClaim') as { claim: { personId: string } }).claim.personId;
    expect(person).toBe('P-LIM'); // the person the count above looks for
    for (const ids of [first, second])
      for (const step of scenario.steps.filter((s) => s.op !== 'submitClaim')) await applyStep(system.clients, mapStep(step, ids));
    await system.caughtUp();
    // the condition: 大病's database refuses these two people's events (a check violation, the message's "fault")
    await ci.query(`
      CREATE FUNCTION refuse_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.stream_id ~ '(${first.tag}|${second.tag})' THEN
          RAISE EXCEPTION 'refused until the test lifts it' USING ERRCODE = '23514';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_for_test BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_for_test();`);
    await submit(first);
    await submit(second);
    const deadline = Date.now() + 60_000;
    while ((await deadLetters()).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    await system.caughtUp();
    const letters = await deadLetters();
    expect(letters.map((d) => [d.type, d.reason, d.status, d.topic.endsWith(TOPICS.basicDecisions)])).toEqual([
      ['basic.PersonYearDecided', 'PROCESSING_FAILED', 'OPEN', true],
      ['basic.PersonYearDecided', 'PROCESSING_FAILED', 'OPEN', true],
    ]);
    const [secondId, firstId] = letters.map((d) => `critical-illness:${d.id}`); // newest first
    expect(await ciEvents(first)).toBe(0);
    expect((await observe(system.clients, scenario, first)).claims).not.toEqual(scenario.expected.claims);

    // the CLI lists them, without any message content
    const listed = dlt('list');
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(firstId);
    expect(listed.out).toContain(secondId);
    expect(listed.out).toMatch(/PROCESSING_FAILED\s+\S+\s+0\s+OPEN/);
    for (const ids of [first, second]) {
      expect(listed.out).not.toContain(ids.person('P-LIM'));
      expect(dlt('show', firstId).out).not.toContain(ids.claim('LIM-1'));
    }

    // retried while the condition holds: the failure is recorded, nothing applied
    const failing = dlt('retry', firstId);
    expect({ code: failing.code, out: failing.out }).toEqual({
      code: 1,
      out: expect.stringContaining(`${firstId} FAILED PROCESSING_FAILED`),
    });
    expect((await deadLetters()).find((d) => `critical-illness:${d.id}` === firstId)).toMatchObject({
      status: 'OPEN',
      retries: 1,
      lastRetryReason: 'PROCESSING_FAILED',
    });
    expect(await ciEvents(first)).toBe(0);

    // the condition is fixed: the retry applies the decision once, and the claim settles
    await ci.query('DROP TRIGGER refuse_for_test ON events; DROP FUNCTION refuse_for_test()');
    const retried = dlt('retry', firstId);
    expect({ code: retried.code, out: retried.out }).toEqual({
      code: 0,
      out: expect.stringContaining(`${firstId} RESOLVED: applied (1 new message handled)`),
    });
    await system.caughtUp();
    const observed = await observe(system.clients, scenario, first);
    expect(observed.claims).toEqual(scenario.expected.claims);
    expect(observed.personYears).toEqual(scenario.expected.personYears);
    const applied = await ciEvents(first);
    expect(applied).toBeGreaterThan(0);

    // a second retry changes nothing
    const again = dlt('retry', firstId);
    expect({ code: again.code, out: again.out }).toEqual({ code: 0, out: expect.stringContaining(`${firstId} ALREADY_RESOLVED`) });
    await system.caughtUp();
    expect(await ciEvents(first)).toBe(applied);
    expect(dlt('show', firstId).out).toMatch(/status\s+RESOLVED at /);

    // retry-all re-drives what is still open on the topic, in every service
    const all = dlt('retry-all', TOPICS.basicDecisions);
    expect(all.code).toBe(0);
    expect(all.out).toContain('critical-illness: 1 retried, 1 resolved, 0 failed');
    expect(all.out).toContain('medical-assistance: 0 retried, 0 resolved, 0 failed');
    await system.caughtUp();
    expect((await observe(system.clients, scenario, second)).claims).toEqual(scenario.expected.claims);
    expect(await ciEvents(second)).toBe(applied); // the same effect as the first, once
    expect((await deadLetters()).map((d) => d.status)).toEqual(['RESOLVED', 'RESOLVED']); // kept, for audit
    expect(dlt('retry-all', TOPICS.basicDecisions).out).toContain('critical-illness: 0 retried');
  }, 300_000);
});
