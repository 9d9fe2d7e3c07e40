import { randomUUID } from 'node:crypto';
import { ClaimDto, canonicalJson, sha256Hex, TOPICS } from '@msb/contracts';
import { applyStep, IdMap, kafkaAs, loadScenario, mapStep, randomTag, TestSystem } from '@msb/testing';
import { Client } from 'pg';

/**
 * The audit service over the generated scenarios plus injected fraud patterns: the chain
 * verifies, a tampered row is found, a rebuild from the topics gives the same head, a replay
 * re-derives every decision without a difference, and each pattern is flagged with its
 * evidence while clean people are not.
 */
interface Flag {
  type: string;
  category: 'FRAUD' | 'INTEGRITY';
  personId: string;
  claimIds: string[];
  evidence: { eventId: string }[];
}

const GENERATED = ['generated-1.json', 'generated-2.json', 'generated-3.json'];

function stay(
  id: string,
  personId: string,
  region: string,
  hospital: string,
  admission: string,
  discharge: string,
  diagnosis: string,
  amount: string,
): ClaimDto {
  return {
    claimId: id,
    personId,
    region,
    hospital: { id: hospital },
    visitType: 'INPATIENT',
    admissionDate: admission,
    serviceDate: discharge,
    diagnosis: [diagnosis],
    items: [{ code: 'ITEM-A-0', amount }], // 甲类 in every generated catalogue of 150100
  };
}

/** The oracle for "clean": no two live inpatient stays of the person overlap (each began before the other ended, or both the same day) or are a split admission, no duplicate. */
function patternsOf(claims: ClaimDto[]): Set<string> {
  const flagged = new Set<string>();
  const day = (d: string) => Date.parse(d) / 86_400_000;
  const total = (c: ClaimDto) => c.items.reduce((s, i) => s + Math.round(Number(i.amount) * 100), 0);
  for (const a of claims) {
    for (const b of claims) {
      if (a === b || a.personId !== b.personId) continue;
      if (
        a.hospital.id === b.hospital.id &&
        a.serviceDate === b.serviceDate &&
        a.admissionDate === b.admissionDate &&
        total(a) === total(b)
      )
        flagged.add(a.personId);
      if (a.visitType !== 'INPATIENT' || b.visitType !== 'INPATIENT') continue;
      if ((b.admissionDate! < a.serviceDate && a.admissionDate! < b.serviceDate) || a.admissionDate === b.admissionDate)
        flagged.add(a.personId);
      const gap = day(b.admissionDate!) - day(a.serviceDate);
      if (gap >= 0 && gap <= 15 && a.diagnosis.some((d) => b.diagnosis.includes(d))) flagged.add(a.personId);
    }
  }
  return flagged;
}

describe('audit: an immutable, verifiable record', () => {
  let system: TestSystem;
  const ids = new IdMap(randomTag());
  const liveClaims = new Map<string, ClaimDto>();
  let region = '';

  beforeAll(async () => {
    system = await TestSystem.start();
    for (const file of GENERATED) {
      for (const step of loadScenario(file).steps) {
        const mapped = mapStep(step, ids);
        await applyStep(system.clients, mapped);
        if (mapped.op === 'submitClaim' || mapped.op === 'correctClaim') liveClaims.set(mapped.claim.claimId, mapped.claim);
        if (mapped.op === 'reverseClaim') liveClaims.delete(mapped.claimId);
      }
    }
    region = ids.region('150100');
    // two level-2 hospitals of the region, registered for the injected patterns
    const [h21, h22] = [ids.hospital('H-AUDIT-21'), ids.hospital('H-AUDIT-22')];
    for (const hospitalId of [h21, h22])
      await applyStep(system.clients, {
        op: 'putHospital',
        hospitalId,
        hospital: { name: `Hospital ${hospitalId}`, level: 2, region, designated: true },
      });
    const injected = [
      // 重复收费: the same stay billed twice
      stay(`DUP-1-${ids.tag}`, `P-DUP-${ids.tag}`, region, h21, '2024-03-01', '2024-03-08', 'J18.9', '12000.00'),
      stay(`DUP-2-${ids.tag}`, `P-DUP-${ids.tag}`, region, h21, '2024-03-01', '2024-03-08', 'J18.9', '12000.00'),
      // two hospitals at once
      stay(`OVL-1-${ids.tag}`, `P-OVL-${ids.tag}`, region, h21, '2024-06-01', '2024-06-20', 'I63.9', '30000.00'),
      stay(`OVL-2-${ids.tag}`, `P-OVL-${ids.tag}`, region, h22, '2024-06-10', '2024-06-15', 'K35.8', '8000.00'),
      // 分解住院: discharged and readmitted 8 days later for the same diagnosis
      stay(`SPL-1-${ids.tag}`, `P-SPL-${ids.tag}`, region, h21, '2024-09-01', '2024-09-10', 'C34.9', '40000.00'),
      stay(`SPL-2-${ids.tag}`, `P-SPL-${ids.tag}`, region, h21, '2024-09-18', '2024-09-28', 'C34.9', '35000.00'),
    ];
    for (const claim of injected) {
      await applyStep(system.clients, { op: 'submitClaim', claim });
      liveClaims.set(claim.claimId, claim);
    }
    await system.caughtUp();
  }, 300_000);

  afterAll(async () => {
    await system?.stop();
  }, 120_000);

  it('verifies the whole hash chain and its Merkle checkpoints', async () => {
    const checkpoint = await system.clients.audit.post<{ treeSize: number }>('/checkpoints');
    expect(checkpoint.status).toBe(200);
    const verify = await system.clients.audit.post<{ ok: boolean; events: number; checkpoints: number }>('/verify');
    expect(verify.body).toMatchObject({ ok: true });
    expect(verify.body.events).toBeGreaterThan(500);
    expect(verify.body.checkpoints).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it("re-derives every recorded decision with today's rules without a difference", async () => {
    const replay = await system.clients.audit.post<{ events: number; decisions: number; personYears: number; differences: unknown[] }>(
      '/replays',
    );
    expect(replay.status).toBe(200);
    expect(replay.body.differences).toEqual([]);
    expect(replay.body.decisions).toBeGreaterThan(200);
    expect(replay.body.personYears).toBeGreaterThanOrEqual(63);
  }, 120_000);

  it('flags each injected pattern with its evidence, and no clean person', async () => {
    // every flag on one page (a page holds 50 unless told)
    const res = await system.clients.audit.get<{ flags: Flag[]; nextCursor: string | null }>('/flags?limit=500');
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    const flags = res.body.flags;
    const find = (type: string, personId: string) => flags.filter((f) => f.type === type && f.personId === personId);
    expect(find('DUPLICATE_CLAIM', `P-DUP-${ids.tag}`).map((f) => [...f.claimIds].sort())).toEqual([
      [`DUP-1-${ids.tag}`, `DUP-2-${ids.tag}`],
    ]);
    expect(find('OVERLAPPING_STAYS', `P-OVL-${ids.tag}`).map((f) => [...f.claimIds].sort())).toEqual([
      [`OVL-1-${ids.tag}`, `OVL-2-${ids.tag}`],
    ]);
    expect(find('SPLIT_ADMISSION', `P-SPL-${ids.tag}`).map((f) => [...f.claimIds].sort())).toEqual([
      [`SPL-1-${ids.tag}`, `SPL-2-${ids.tag}`],
    ]);

    // the evidence names the claims' own events in the log
    for (const f of flags.filter((x) => x.personId.startsWith('P-'))) {
      expect(f.evidence).toHaveLength(2);
      for (const claimId of f.claimIds) {
        const history = await system.clients.audit.get<{ events: { eventId: string; type: string }[] }>(`/claims/${claimId}/history`);
        const submitted = history.body.events.filter((e) => e.type === 'basic.ClaimSubmitted').map((e) => e.eventId);
        expect(f.evidence.some((e) => submitted.includes(e.eventId))).toBe(true);
      }
    }

    const withPatterns = patternsOf([...liveClaims.values()]);
    expect(withPatterns).toEqual(
      new Set([`P-DUP-${ids.tag}`, `P-OVL-${ids.tag}`, `P-SPL-${ids.tag}`, ...[...withPatterns].filter((p) => p.startsWith('PX'))]),
    );
    const people = new Set([...liveClaims.values()].map((c) => c.personId));
    for (const person of people) {
      const theirs = flags.filter((f) => f.personId === person);
      if (withPatterns.has(person)) expect(theirs.length).toBeGreaterThan(0);
      else expect(theirs).toEqual([]);
    }
    expect(flags.filter((f) => f.category === 'INTEGRITY')).toEqual([]);
    expect(flags.filter((f) => f.type === 'ASSISTANCE_WITHOUT_ELIGIBILITY')).toEqual([]);
  }, 120_000);

  it("tells a claim's history across agencies, with causation", async () => {
    const claimId = ids.claim('HC-1-00013'); // corrected in generated-1
    const history = await system.clients.audit.get<{
      events: { agency: string; type: string; eventId: string; causationId: string | null }[];
    }>(`/claims/${claimId}/history`);
    expect(history.status).toBe(200);
    const agencies = new Set(history.body.events.map((e) => e.agency));
    expect(agencies).toEqual(new Set(['basic-insurance', 'critical-illness', 'medical-assistance']));
    expect(history.body.events.filter((e) => e.type === 'basic.ClaimCorrected')).toHaveLength(1);
    const ids_ = new Set(history.body.events.map((e) => e.eventId));
    const caused = history.body.events.filter((e) => e.agency === 'critical-illness' && e.causationId !== null && ids_.has(e.causationId));
    expect(caused.length).toBeGreaterThan(0);
  }, 60_000);

  it('shows what each payer had paid as known at a time before a retroactive grant', async () => {
    const scenario = loadScenario('retroactive-eligibility.json');
    const run = new IdMap(randomTag());
    const grantAt = scenario.steps.findIndex((s) => s.op === 'grantEligibility');
    for (const step of scenario.steps.slice(0, grantAt)) await applyStep(system.clients, mapStep(step, run));
    await system.caughtUp();
    const before = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    for (const step of scenario.steps.slice(grantAt)) await applyStep(system.clients, mapStep(step, run));
    await system.caughtUp();
    const [key] = Object.keys(scenario.expected.personYears);
    const [r, p, y] = run.personYear(key).split('|');
    const then = await system.clients.audit.get<{ payers: Record<string, { paid: string }> }>(
      `/ledgers/${r}/${p}/${y}?asOf=${encodeURIComponent(before)}`,
    );
    const now = await system.clients.audit.get<{ payers: Record<string, { paid: string }> }>(`/ledgers/${r}/${p}/${y}`);
    expect(then.body.payers.assistance.paid).toBe('0.00');
    expect(now.body.payers.assistance.paid).toBe(scenario.expected.personYears[key].assistance);
    expect(now.body.payers.criticalIllness.paid).toBe(scenario.expected.personYears[key].criticalIllness);
  }, 120_000);

  it('reads an eligibility change published before windows (v1, the whole grant list): 大病 keeps only the windows and tilts on them, audit logs it as published and replays without a difference', async () => {
    const scenario = loadScenario('retroactive-eligibility.json');
    const run = new IdMap(randomTag());
    const steps = scenario.steps.map((s) => mapStep(s, run));
    const grant = steps.find((s) => s.op === 'grantEligibility');
    if (grant?.op !== 'grantEligibility') throw new Error('the scenario has a grant');
    const secret = `household review note ${run.tag}`;
    const v1 = {
      id: randomUUID(),
      type: 'assistance.EligibilityGranted',
      version: 1,
      source: 'medical-assistance',
      subject: grant.personId,
      time: new Date().toISOString(),
      correlationId: `v1-${run.tag}`,
      causationId: null,
      data: {
        personId: grant.personId,
        grantId: grant.grantId,
        eligibilityRevision: 1,
        grants: [
          {
            grantId: `${grant.grantId}-OLD`,
            personId: grant.personId,
            category: 'MINIMUM_LIVING',
            validFrom: '2023-01-01',
            revoked: true,
            revokedReason: secret,
            grantedAt: '2023-01-01T00:00:00.000Z',
            revokedAt: '2023-12-31T00:00:00.000Z',
          },
          {
            grantId: grant.grantId,
            personId: grant.personId,
            category: grant.category,
            validFrom: grant.validFrom,
            ...(grant.validTo ? { validTo: grant.validTo } : {}),
            revoked: false,
            grantedAt: new Date().toISOString(),
          },
        ],
      },
    };
    // the policies, the catalogues and the hospital, then civil affairs' grant as an old medical-assistance published it, before any claim
    for (const step of steps.filter((s) => s.op === 'putPolicy' || s.op === 'putCatalogue' || s.op === 'putHospital'))
      await applyStep(system.clients, step);
    // as medical-assistance, the only agency that may write its topic
    const kafka = kafkaAs('medical-assistance', 'v1');
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: `${system.topicPrefix}.${TOPICS.assistanceEligibility}`,
      messages: [{ key: grant.personId, value: JSON.stringify(v1) }],
    });
    await producer.disconnect();
    await system.caughtUp();

    const ci = new Client({ connectionString: system.databaseUrl('critical-illness') });
    const audit = new Client({ connectionString: system.databaseUrl('audit') });
    await ci.connect();
    await audit.connect();
    try {
      // 大病 stored the windows of the grants in force, and nothing of the revoked grant
      const { rows: persons } = await ci.query('SELECT eligibility_revision, windows FROM persons WHERE person_id = $1', [grant.personId]);
      expect(persons).toEqual([
        {
          eligibility_revision: 1,
          windows: [{ category: grant.category, validFrom: grant.validFrom, ...(grant.validTo ? { validTo: grant.validTo } : {}) }],
        },
      ]);
      // audit logged the event as it was published: version 1, whole grant list
      const { rows: logged } = await audit.query<{ envelope: typeof v1 }>('SELECT envelope FROM audit_log WHERE event_id = $1', [v1.id]);
      expect(logged.map((r) => [r.envelope.version, r.envelope.data.grants.length])).toEqual([[1, 2]]);
      expect((await system.clients.criticalIllness.as('operator').get<{ deadLettered: number }>('/status')).body.deadLettered).toBe(0);

      // civil affairs' own record of the same grant (its revision 1: 大病 has it already), then the claims
      await applyStep(system.clients, grant);
      for (const step of steps.filter((s) => s.op === 'submitClaim')) await applyStep(system.clients, step);
      await system.caughtUp();

      const [key] = Object.keys(scenario.expected.personYears);
      const [r, p, y] = run.personYear(key).split('|');
      const ledger = await system.clients.basic.get<Record<string, unknown>>(`/ledgers/${r}/${p}/${y}`);
      expect(ledger.body).toMatchObject(scenario.expected.personYears[key]);
      const leaked = await ci.query<{ n: string }>(
        `SELECT (SELECT count(*) FROM events WHERE data::text LIKE $1) + (SELECT count(*) FROM person_years WHERE state::text LIKE $1)
              + (SELECT count(*) FROM persons WHERE windows::text LIKE $1) AS n`,
        [`%${secret}%`],
      );
      expect(Number(leaked.rows[0].n)).toBe(0);
    } finally {
      await ci.end();
      await audit.end();
    }
    const replay = await system.clients.audit.post<{ differences: unknown[] }>('/replays');
    expect(replay.body.differences).toEqual([]);
  }, 180_000);

  it('rebuilds the same chain head from the topics into an empty database', async () => {
    await system.caughtUp();
    const original = await system.clients.audit.get<{ head: string; events: number }>('/head');
    const rebuilt = await system.startInstance('audit', 'rebuild');
    try {
      const deadline = Date.now() + 120_000;
      let head = await rebuilt.client.get<{ head: string; events: number }>('/head');
      while (head.body.events < original.body.events && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 300));
        head = await rebuilt.client.get<{ head: string; events: number }>('/head');
      }
      expect(head.body).toEqual(original.body);
    } finally {
      await rebuilt.stop();
    }
  }, 180_000);

  it('finds a row altered in the database, and a rewrite with consistent hashes through the checkpoints', async () => {
    const db = new Client({ connectionString: system.databaseUrl('audit') });
    await db.connect();
    try {
      // a superuser who goes around the append-only trigger (no service role can change an entry)
      await db.query("SET session_replication_role = 'replica'");
      await system.clients.audit.post('/checkpoints');
      const { rows } = await db.query<{ seq: string; envelope: string }>(
        `SELECT seq, envelope::text AS envelope FROM audit_log WHERE type = 'assistance.PersonYearDecided' ORDER BY seq LIMIT 1 OFFSET 5`,
      );
      const { seq, envelope: original } = rows[0];
      // someone makes an assistance decision pay more
      await db.query(
        `UPDATE audit_log SET envelope = jsonb_set(envelope::jsonb, '{data,entitlement}', '"999999.00"')::json WHERE seq = $1`,
        [seq],
      );
      const broken = await system.clients.audit.post<{ ok: boolean; brokenAt?: { seq: string; problem: string } }>('/verify');
      expect(broken.body.ok).toBe(false);
      expect(broken.body.brokenAt?.seq).toBe(seq);
      await db.query('UPDATE audit_log SET envelope = $2 WHERE seq = $1', [seq, original]);
      expect((await system.clients.audit.post<{ ok: boolean }>('/verify')).body.ok).toBe(true);

      // the same kind of change with its hash recomputed, on the last entry of its chain: the chain holds, the checkpoint does not
      const [last] = (
        await db.query<{ seq: string; chain: string; prev_hash: string; envelope: Record<string, unknown> }>(
          `SELECT l.seq, l.chain, l.prev_hash, l.envelope FROM audit_log l JOIN chain_heads h ON h.chain = l.chain AND h.length = l.chain_seq
           WHERE l.seq <= (SELECT max(last_seq) FROM checkpoints) ORDER BY l.seq LIMIT 1`,
        )
      ).rows;
      const forged = { ...last.envelope, subject: 'forged' };
      const hash = sha256Hex(last.prev_hash + canonicalJson(forged));
      await db.query('UPDATE audit_log SET envelope = $2, hash = $3 WHERE seq = $1', [last.seq, JSON.stringify(forged), hash]);
      await db.query('UPDATE chain_heads SET hash = $2 WHERE chain = $1', [last.chain, hash]);
      const rewritten = await system.clients.audit.post<{
        ok: boolean;
        brokenAt?: { seq: string };
        brokenCheckpoint?: { treeSize: number };
      }>('/verify');
      expect(rewritten.body.ok).toBe(false);
      expect(rewritten.body.brokenAt).toBeUndefined();
      expect(rewritten.body.brokenCheckpoint).toBeDefined();
    } finally {
      await db.end();
    }
  }, 120_000);
});
