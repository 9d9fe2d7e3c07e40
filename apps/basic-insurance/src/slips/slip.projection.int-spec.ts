import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BasicPolicyDto, ClaimDto, contentHash, PersonYearRef } from '@msb/contracts';
import { loadConfig, ServiceRuntime } from '@msb/platform';
import { basicPolicyFromWire } from '@msb/settlement';
import { agencyEnv, scratchDatabase, serviceDatabaseEnv } from '@msb/testing';
import pino from 'pino';
import { basicInsuranceService } from '../main';
import { scenarioTerms } from '../person-years/basic-terms.spec-helper';
import type { BasicCommand } from '../person-years/basic-person-year.decider';
import { BasicPersonYears } from '../person-years/basic-person-year.repository';
import { streamIdOf } from '../person-years/basic-person-year.stream';
import { SlipView } from './slip.view';

/**
 * Basic's side of the slip read model on real Postgres, migrated as the service migrates its
 * database: basic's decisions, made by the repository in their transaction, become the claims'
 * rows, the adjustment history and basic's revision in slip_person_years.
 */
const logger = pino({ level: 'silent' });

// The policy and claims of scenarios/late-claim-reorders-year.json (440300 / 2024, level 3 inpatient,
// deductible 800 at 70 %, off region −10 points, a second admission pays half the deductible).
interface ScenarioFile {
  steps: ({ op: 'putPolicy'; basic: BasicPolicyDto } | { op: 'submitClaim'; claim: ClaimDto } | { op: string })[];
}
const scenario = JSON.parse(readFileSync(join(__dirname, '../../../../scenarios/late-claim-reorders-year.json'), 'utf8')) as ScenarioFile;
const policyDto = (scenario.steps.find((s) => s.op === 'putPolicy') as { basic: BasicPolicyDto }).basic;
const claimDto = (id: string) =>
  (scenario.steps.find((s) => s.op === 'submitClaim' && (s as { claim: ClaimDto }).claim.claimId === id) as { claim: ClaimDto }).claim;

const policy = { revision: 1, terms: basicPolicyFromWire(policyDto) };
const KEY: PersonYearRef = { region: '440300', personId: 'P-LC', year: 2024 };
/** LC-DEC: A 30000 + B 8000 (10 % self-paid), level 3 in region: scope 37200. */
const DEC = claimDto('LC-DEC');
/** LC-JUL: A 50000, level 3 off region (60 %); earlier in the year, so the first admission. */
const JUL = claimDto('LC-JUL');

const terms = { ...scenarioTerms('late-claim-reorders-year.json'), policy };
const submit = (claim: ClaimDto): BasicCommand => ({ type: 'SubmitClaim', data: { claim, ...terms } });
const correct = (claim: ClaimDto): BasicCommand => ({ type: 'CorrectClaim', data: { claim, ...terms } });
const reverse = (claimId: string): BasicCommand => ({ type: 'ReverseClaim', data: { claimId, reason: 'billed twice', ...terms } });

/** What slip_person_years shows of a person-year neither 大病 nor assistance has decided. */
const NOT_DOWNSTREAM = {
  ci_revision: 0,
  ci_basic_revision: 0,
  assistance_revision: 0,
  assistance_basic_revision: 0,
  assistance_ci_revision: 0,
  tilted: false,
  assistance_category: null,
};

describe('the basic side of the slip projection on real Postgres', () => {
  let runtime: ServiceRuntime;
  let drop: () => Promise<void>;
  const personYears = new BasicPersonYears();

  beforeAll(async () => {
    const scratch = await scratchDatabase('msb_basic_slip');
    drop = scratch.drop;
    const config = loadConfig('basic-insurance', { port: 3001, database: scratch.name }, undefined, {
      ...serviceDatabaseEnv('basic-insurance'),
      ...agencyEnv('basic-insurance'),
    });
    const { migrations, grants } = basicInsuranceService;
    runtime = new ServiceRuntime({ config, logger, migrations, grants, produces: [], consumes: [] });
    await runtime.db.open();
  }, 60_000);

  afterAll(async () => {
    await runtime?.db.close();
    await drop?.();
  });

  /** Commands on the person-year, decided together in one transaction at `now`. */
  const decide = (commands: BasicCommand[], now: Date) =>
    runtime.db.transaction(async (tx) => {
      const snapshot = (await personYears.lock(tx, [KEY])).get(streamIdOf(KEY));
      return personYears.decideAndSave(
        tx,
        commands.map((command) => ({ key: KEY, snapshot, command, now, context: {} })),
      );
    });

  const claims = () =>
    runtime.db.query(
      `SELECT claim_id, stream_id, region, person_id, year, version, status, service_date::text, visit_type, total::text, policy_scope::text,
         basic::text, critical_illness::text, assistance::text, first_hash, latest_hash
       FROM claims ORDER BY claim_id`,
    );
  const adjustments = () => runtime.db.query('SELECT claim_id, payer, version, amount::text, reason, at FROM adjustments ORDER BY id');
  const slipPersonYears = () => runtime.db.query('SELECT * FROM slip_person_years');

  const T1 = new Date('2025-01-15T08:00:00Z');
  const T2 = new Date('2025-02-01T09:30:00Z');
  const T3 = new Date('2025-03-03T10:00:00Z');
  const row = (claim: ClaimDto, f: Record<string, unknown>) => ({
    claim_id: claim.claimId,
    stream_id: 'basic-person-year:440300:P-LC:2024',
    region: '440300',
    person_id: 'P-LC',
    year: 2024,
    service_date: claim.serviceDate,
    visit_type: claim.visitType,
    critical_illness: '0.00',
    assistance: '0.00',
    first_hash: contentHash(claim),
    latest_hash: contentHash(claim),
    ...f,
  });

  it('two claims of a person-year decided in one batch: one row per claim as the batch ended, every adjustment kept', async () => {
    // LC-DEC settles 25480 as the first admission, then LC-JUL (earlier) makes it the second: +280 (LATE_CLAIM)
    await decide([submit(DEC), submit(JUL)], T1);

    expect(await claims()).toEqual([
      row(DEC, { version: 1, status: 'LIVE', total: '38000.00', policy_scope: '37200.00', basic: '25760.00' }),
      row(JUL, { version: 1, status: 'LIVE', total: '50000.00', policy_scope: '50000.00', basic: '29520.00' }),
    ]);
    expect(await adjustments()).toEqual([
      { claim_id: 'LC-DEC', payer: 'basic', version: 1, amount: '280.00', reason: 'LATE_CLAIM', at: T1 },
    ]);
    expect(await slipPersonYears()).toEqual([
      {
        stream_id: 'basic-person-year:440300:P-LC:2024',
        region: '440300',
        person_id: 'P-LC',
        year: 2024,
        basic_revision: 2,
        ...NOT_DOWNSTREAM,
      },
    ]);
  });

  it('a reversal: the claim shows REVERSED with basic 0 and its last policy scope, the other is recomputed', async () => {
    await decide([reverse('LC-JUL')], T2);

    expect(await claims()).toEqual([
      row(DEC, { version: 1, status: 'LIVE', total: '38000.00', policy_scope: '37200.00', basic: '25480.00' }),
      row(JUL, { version: 1, status: 'REVERSED', total: '50000.00', policy_scope: '50000.00', basic: '0.00' }),
    ]);
    expect((await adjustments()).slice(1)).toEqual([
      { claim_id: 'LC-JUL', payer: 'basic', version: 1, amount: '-29520.00', reason: 'REVERSAL', at: T2 },
      { claim_id: 'LC-DEC', payer: 'basic', version: 1, amount: '-280.00', reason: 'REVERSAL', at: T2 },
    ]);
    expect((await slipPersonYears()).map((p) => p.basic_revision)).toEqual([3]);
  });

  it('a correction: the next version with its new hash, the first hash kept', async () => {
    // B 8000 → 10000: scope 30000 + 9000 = 39000, the first admission again: (39000 − 800) × 0.70 = 26740
    const corrected: ClaimDto = { ...DEC, items: DEC.items.map((i) => (i.code === 'B-ITEM' ? { ...i, amount: '10000' } : i)) };
    await decide([correct(corrected)], T3);

    expect((await claims())[0]).toEqual(
      row(DEC, {
        version: 2,
        status: 'LIVE',
        total: '40000.00',
        policy_scope: '39000.00',
        basic: '26740.00',
        latest_hash: contentHash(corrected),
      }),
    );
    expect((await adjustments()).slice(3)).toEqual([
      { claim_id: 'LC-DEC', payer: 'basic', version: 2, amount: '1260.00', reason: 'CORRECTION', at: T3 },
    ]);
    expect((await slipPersonYears()).map((p) => p.basic_revision)).toEqual([4]);
  });

  it('the slip shows basic alone as PENDING until 大病 and assistance decide on basic’s latest revision', async () => {
    const ledger = await new SlipView(runtime).ledger('440300', 'P-LC', 2024);
    expect(ledger).toMatchObject({
      basic: '26740.00',
      total: '40000.00',
      selfPay: '13260.00',
      settled: false,
      tilted: false,
      assistanceCategory: null,
    });
    expect(ledger?.claims.map((c) => [c.claimId, c.version, c.status])).toEqual([
      ['LC-JUL', 1, 'PENDING'],
      ['LC-DEC', 2, 'PENDING'],
    ]);
    expect(ledger?.claims[1].adjustments.map((a) => [a.amount, a.reason])).toEqual([
      ['280.00', 'LATE_CLAIM'],
      ['-280.00', 'REVERSAL'],
      ['1260.00', 'CORRECTION'],
    ]);
  });
});
