import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AssistancePersonYearDecidedV1,
  BasicPolicyDto,
  ClaimDto,
  CriticalIllnessPersonYearDecided,
  CriticalIllnessPersonYearDecidedV1,
  decodeMessage,
  Payment,
  PersonYearRef,
} from '@msb/contracts';
import { Consumed, envelope } from '@msb/eventing';
import { loadConfig, ServiceRuntime, serviceMetrics } from '@msb/platform';
import { basicPolicyFromWire } from '@msb/settlement';
import { agencyEnv, scratchDatabase, serviceDatabaseEnv } from '@msb/testing';
import pino from 'pino';
import { basicInsuranceService } from '../main';
import type { BasicCommand } from '../person-years/basic-person-year.decider';
import { scenarioTerms } from '../person-years/basic-terms.spec-helper';
import { BasicPersonYears } from '../person-years/basic-person-year.repository';
import { streamIdOf } from '../person-years/basic-person-year.stream';
import { DownstreamDecisions } from './downstream.projection';
import { recordSettledClaims } from './settled-claims.projection';
import { SlipView } from './slip.view';

/**
 * 大病's and assistance's person-year decisions on the slip, on real Postgres migrated as the
 * service migrates it: only revisions newer than the one shown apply, only to person-years
 * basic has decided, and the slip is SETTLED once both decided on basic's latest revision.
 * The first cases deliver decisions as published before deltas (v1, every claim; upcast on
 * read), the last ones v2 deltas, one of them after a gap.
 */
const logger = pino({ level: 'silent' });

// The policy and claims of scenarios/late-claim-reorders-year.json: LC-JUL (50000, the first
// admission, basic 29520) and LC-DEC (38000, the second, basic 25760); basic's revision 2.
interface ScenarioFile {
  steps: ({ op: 'putPolicy'; basic: BasicPolicyDto } | { op: 'submitClaim'; claim: ClaimDto } | { op: string })[];
}
const scenario = JSON.parse(readFileSync(join(__dirname, '../../../../scenarios/late-claim-reorders-year.json'), 'utf8')) as ScenarioFile;
const policyDto = (scenario.steps.find((s) => s.op === 'putPolicy') as { basic: BasicPolicyDto }).basic;
const claimDto = (id: string) =>
  (scenario.steps.find((s) => s.op === 'submitClaim' && (s as { claim: ClaimDto }).claim.claimId === id) as { claim: ClaimDto }).claim;

const policy = { revision: 1, terms: basicPolicyFromWire(policyDto) };
const KEY: PersonYearRef = { region: '440300', personId: 'P-LC', year: 2024 };
const DEC = claimDto('LC-DEC');
const JUL = claimDto('LC-JUL');

const payment = (claimId: string, kind: Payment['kind'], amount: string, paid: string, reason: Payment['reason']): Payment => ({
  claimId,
  version: 1,
  kind,
  amount,
  paid,
  reason,
});

/** 大病's decision on the person-year (v1: every claim): what it pays on LC-JUL and LC-DEC. */
function criticalIllness(
  revision: number,
  basicRevision: number,
  paid: { jul: string; dec: string },
  f: {
    tilted: boolean;
    cause: CriticalIllnessPersonYearDecidedV1['cause'];
    payments: Payment[];
    julReversed?: boolean;
    personYear?: PersonYearRef;
  },
): CriticalIllnessPersonYearDecidedV1 {
  return {
    personYear: f.personYear ?? KEY,
    revision,
    basicRevision,
    eligibilityRevision: 1,
    policyRevision: 1,
    cause: f.cause,
    tilted: f.tilted,
    base: '31920.00',
    threshold: f.tilted ? '5000.00' : '10000.00',
    entitlement: '0.00',
    claims: [
      {
        claimId: 'LC-JUL',
        version: 1,
        status: f.julReversed ? 'REVERSED' : 'LIVE',
        serviceDate: JUL.serviceDate,
        visitType: 'INPATIENT',
        compliantSelfPay: '20480.00',
        criticalIllness: paid.jul,
      },
      {
        claimId: 'LC-DEC',
        version: 1,
        status: 'LIVE',
        serviceDate: DEC.serviceDate,
        visitType: 'INPATIENT',
        compliantSelfPay: '11440.00',
        criticalIllness: paid.dec,
      },
    ],
    payments: f.payments,
  };
}

/** Assistance's decision on the person-year (低保, v1: every claim), on 大病's revision `ciRevision`. */
function assistance(
  revision: number,
  basicRevision: number,
  ciRevision: number,
  paid: { jul: string; dec: string },
  f: { cause: AssistancePersonYearDecidedV1['cause']; payments: Payment[]; julReversed?: boolean; personYear?: PersonYearRef },
): AssistancePersonYearDecidedV1 {
  return {
    personYear: f.personYear ?? KEY,
    revision,
    basicRevision,
    criticalIllnessRevision: ciRevision,
    eligibilityRevision: 1,
    policyRevision: 1,
    cause: f.cause,
    category: 'MINIMUM_LIVING',
    base: '0.00',
    entitlement: '0.00',
    claims: [
      { claimId: 'LC-JUL', version: 1, status: f.julReversed ? 'REVERSED' : 'LIVE', eligible: true, assistance: paid.jul },
      { claimId: 'LC-DEC', version: 1, status: 'LIVE', eligible: true, assistance: paid.dec },
    ],
    payments: f.payments,
  };
}

/** A decision as the consumer hands it over: encoded (as `version`), then decoded and validated against libs/contracts. */
function consumed(
  type: 'critical-illness.PersonYearDecided' | 'assistance.PersonYearDecided',
  data: unknown,
  time: Date,
  version = 1,
): Consumed {
  const decoded = decodeMessage(JSON.stringify(envelope({ type, version, source: 'test', subject: '440300:P-LC:2024', data, time })));
  if (!decoded.ok) throw new Error(`${type} does not match its schema: ${decoded.detail}`);
  return { envelope: decoded.envelope, context: { topic: 'test', partition: 0, offset: '0' } };
}
const ciArrives = (d: CriticalIllnessPersonYearDecidedV1, time: Date) => consumed('critical-illness.PersonYearDecided', d, time);
const assistanceArrives = (d: AssistancePersonYearDecidedV1, time: Date) => consumed('assistance.PersonYearDecided', d, time);
const ciDeltaArrives = (d: CriticalIllnessPersonYearDecided, time: Date) => consumed('critical-illness.PersonYearDecided', d, time, 2);

describe('大病 and assistance decisions on the slip, on real Postgres', () => {
  let runtime: ServiceRuntime;
  let drop: () => Promise<void>;
  let slips: SlipView;
  const personYears = new BasicPersonYears();
  const downstream = new DownstreamDecisions();

  const T0 = new Date('2025-01-15T08:00:00Z');
  const T1 = new Date('2025-01-15T08:00:05Z');
  const T2 = new Date('2025-01-20T12:00:00Z');
  const T3 = new Date('2025-02-01T09:30:00Z');

  const CI_1 = criticalIllness(
    1,
    2,
    { jul: '12000.00', dec: '5000.00' },
    {
      tilted: false,
      cause: { reason: 'INITIAL', claimId: 'LC-JUL' },
      payments: [
        payment('LC-JUL', 'SETTLED', '12000.00', '12000.00', 'INITIAL'),
        payment('LC-DEC', 'SETTLED', '5000.00', '5000.00', 'INITIAL'),
      ],
    },
  );
  // 倾斜 granted: a lower threshold, and both claims topped up
  const CI_2 = criticalIllness(
    2,
    2,
    { jul: '13000.00', dec: '6000.00' },
    {
      tilted: true,
      cause: { reason: 'ELIGIBILITY_GRANTED', grantId: 'G-1' },
      payments: [
        payment('LC-JUL', 'ADJUSTED', '1000.00', '13000.00', 'ELIGIBILITY_GRANTED'),
        payment('LC-DEC', 'ADJUSTED', '1000.00', '6000.00', 'ELIGIBILITY_GRANTED'),
      ],
    },
  );
  const ASSISTANCE_1 = assistance(
    1,
    2,
    2,
    { jul: '3000.00', dec: '2000.00' },
    {
      cause: { reason: 'INITIAL', claimId: 'LC-JUL' },
      payments: [
        payment('LC-JUL', 'SETTLED', '3000.00', '3000.00', 'INITIAL'),
        payment('LC-DEC', 'SETTLED', '2000.00', '2000.00', 'INITIAL'),
      ],
    },
  );
  const ASSISTANCE_2 = assistance(
    2,
    2,
    2,
    { jul: '3000.00', dec: '2100.00' },
    {
      cause: { reason: 'POLICY_REVISED', policyRevision: 2 },
      payments: [payment('LC-DEC', 'ADJUSTED', '100.00', '2100.00', 'POLICY_REVISED')],
    },
  );

  beforeAll(async () => {
    const scratch = await scratchDatabase('msb_basic_downstream');
    drop = scratch.drop;
    const config = loadConfig('basic-insurance', { port: 3001, database: scratch.name }, undefined, {
      ...serviceDatabaseEnv('basic-insurance'),
      ...agencyEnv('basic-insurance'),
    });
    const { migrations, grants } = basicInsuranceService;
    runtime = new ServiceRuntime({ config, logger, migrations, grants, produces: [], consumes: [] });
    await runtime.db.open();
    slips = new SlipView(runtime);
    await decideBasic([submit(DEC), submit(JUL)], T0);
  }, 60_000);

  afterAll(async () => {
    await runtime?.db.close();
    await drop?.();
  });

  const terms = { ...scenarioTerms('late-claim-reorders-year.json'), policy };
  const submit = (claim: ClaimDto): BasicCommand => ({ type: 'SubmitClaim', data: { claim, ...terms } });
  const decideBasic = (commands: BasicCommand[], now: Date, key: PersonYearRef = KEY) =>
    runtime.db.transaction(async (tx) => {
      const snapshot = (await personYears.lock(tx, [key])).get(streamIdOf(key));
      return personYears.decideAndSave(
        tx,
        commands.map((command) => ({ key, snapshot, command, now, context: {} })),
      );
    });
  const deliver = (messages: Consumed[]) => runtime.db.transaction((tx) => downstream.handleBatch(tx, messages));

  const amounts = () =>
    runtime.db.query('SELECT claim_id, basic::text, critical_illness::text, assistance::text FROM claims ORDER BY claim_id');
  const downstreamAdjustments = () =>
    runtime.db.query("SELECT claim_id, payer, version, amount::text, reason, at FROM adjustments WHERE payer <> 'basic' ORDER BY id");
  const shown = async () =>
    (
      await runtime.db.query(
        `SELECT basic_revision, ci_revision, ci_basic_revision, assistance_revision, assistance_basic_revision, assistance_ci_revision,
           tilted, assistance_category FROM slip_person_years`,
      )
    )[0];

  it('大病’s decision fills in its amounts and revisions; the slip waits for assistance (PENDING)', async () => {
    await deliver([ciArrives(CI_1, T1)]);

    expect(await amounts()).toEqual([
      { claim_id: 'LC-DEC', basic: '25760.00', critical_illness: '5000.00', assistance: '0.00' },
      { claim_id: 'LC-JUL', basic: '29520.00', critical_illness: '12000.00', assistance: '0.00' },
    ]);
    expect(await shown()).toEqual({
      basic_revision: 2,
      ci_revision: 1,
      ci_basic_revision: 2,
      assistance_revision: 0,
      assistance_basic_revision: 0,
      assistance_ci_revision: 0,
      tilted: false,
      assistance_category: null,
    });
    expect(await downstreamAdjustments()).toEqual([]); // first payments are not adjustments
    expect((await slips.slip('LC-DEC'))?.status).toBe('PENDING');
  });

  it('a newer 大病 revision applies with its adjustments; an older one arriving after it changes nothing', async () => {
    await deliver([ciArrives(CI_2, T2)]);
    await deliver([ciArrives(CI_1, T1)]); // redelivered late, or overtaken

    expect((await amounts()).map((c) => c.critical_illness)).toEqual(['6000.00', '13000.00']);
    expect(await shown()).toMatchObject({ ci_revision: 2, ci_basic_revision: 2, tilted: true });
    expect(await downstreamAdjustments()).toEqual([
      { claim_id: 'LC-JUL', payer: 'criticalIllness', version: 1, amount: '1000.00', reason: 'ELIGIBILITY_GRANTED', at: T2 },
      { claim_id: 'LC-DEC', payer: 'criticalIllness', version: 1, amount: '1000.00', reason: 'ELIGIBILITY_GRANTED', at: T2 },
    ]);
  });

  it('assistance on that 大病 decision settles the slip: selfPay = total − basic − 大病 − assistance', async () => {
    // two revisions in one chunk, the newer first: the newer sets the amounts
    await deliver([assistanceArrives(ASSISTANCE_2, T2), assistanceArrives(ASSISTANCE_1, T1)]);

    expect((await amounts()).map((c) => c.assistance)).toEqual(['2100.00', '3000.00']);
    expect(await shown()).toMatchObject({
      assistance_revision: 2,
      assistance_basic_revision: 2,
      assistance_ci_revision: 2,
      assistance_category: 'MINIMUM_LIVING',
    });
    expect((await downstreamAdjustments()).slice(2)).toEqual([
      { claim_id: 'LC-DEC', payer: 'assistance', version: 1, amount: '100.00', reason: 'POLICY_REVISED', at: T2 },
    ]);
    expect(await slips.slip('LC-DEC')).toMatchObject({
      status: 'SETTLED',
      total: '38000.00',
      basic: '25760.00',
      criticalIllness: '6000.00',
      assistance: '2100.00',
      selfPay: '4140.00', // 38000 − 25760 − 6000 − 2100
    });
    expect(await slips.ledger('440300', 'P-LC', 2024)).toMatchObject({
      basic: '55280.00',
      criticalIllness: '19000.00',
      assistance: '5100.00',
      total: '88000.00',
      selfPay: '8620.00', // LC-JUL 50000 − 29520 − 13000 − 3000 = 4480, and LC-DEC 4140
      tilted: true,
      assistanceCategory: 'MINIMUM_LIVING',
      settled: true,
      claims: [
        expect.objectContaining({ claimId: 'LC-JUL', status: 'SETTLED', selfPay: '4480.00' }),
        expect.objectContaining({ claimId: 'LC-DEC', status: 'SETTLED', selfPay: '4140.00' }),
      ],
    });
  });

  it('a slip reaching SETTLED is recorded once per claim, and counted and timed only after its transaction commits', async () => {
    const settled = async () =>
      (await serviceMetrics.registry.getSingleMetricAsString('msb_claims_settled_total')).match(
        /^msb_claims_settled_total(?:\{.*\})? (\d+)$/m,
      )?.[1];
    const observed = async () =>
      (await serviceMetrics.registry.getSingleMetricAsString('msb_claim_settle_seconds')).match(
        /^msb_claim_settle_seconds_count(?:\{.*\})? (\d+)$/m,
      )?.[1];
    const rows = await runtime.db.query<{ claim_id: string; settled_at: Date | null; submitted_at: Date }>(
      'SELECT claim_id, settled_at, submitted_at FROM claims ORDER BY claim_id',
    );
    expect(rows.map((r) => [r.claim_id, r.settled_at !== null && r.settled_at >= r.submitted_at])).toEqual([
      ['LC-DEC', true],
      ['LC-JUL', true],
    ]);
    expect({ settled: await settled(), observed: await observed() }).toEqual({ settled: '2', observed: '2' });

    // the same decisions again: nothing newer, nothing newly settled
    await deliver([assistanceArrives(ASSISTANCE_2, T2), ciArrives(CI_2, T2)]);
    // a transaction that would settle them again but rolls back observes nothing
    await expect(
      runtime.db.transaction(async (tx) => {
        await tx.execute('UPDATE claims SET settled_at = NULL');
        await recordSettledClaims(tx, [streamIdOf(KEY)]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect({ settled: await settled(), observed: await observed() }).toEqual({ settled: '2', observed: '2' });
    expect((await runtime.db.query('SELECT claim_id FROM claims WHERE settled_at IS NULL')).length).toBe(0);
  });

  it('a decision for a person-year basic never decided is ignored', async () => {
    // its claims are named as P-LC's, so that anything of it applied would show
    const stranger: PersonYearRef = { region: '440300', personId: 'P-NEVER', year: 2024 };
    const before = { amounts: await amounts(), adjustments: await downstreamAdjustments(), shown: await shown() };
    await deliver([
      ciArrives(
        criticalIllness(
          1,
          1,
          { jul: '1.00', dec: '1.00' },
          { tilted: true, cause: CI_2.cause, payments: CI_2.payments, personYear: stranger },
        ),
        T3,
      ),
      assistanceArrives(
        assistance(
          1,
          1,
          1,
          { jul: '1.00', dec: '1.00' },
          { cause: ASSISTANCE_2.cause, payments: ASSISTANCE_2.payments, personYear: stranger },
        ),
        T3,
      ),
    ]);

    expect(await runtime.db.query('SELECT stream_id FROM slip_person_years')).toEqual([
      { stream_id: 'basic-person-year:440300:P-LC:2024' },
    ]);
    expect({ amounts: await amounts(), adjustments: await downstreamAdjustments(), shown: await shown() }).toEqual(before);
  });

  it('a new basic revision puts the slip back to PENDING; once both decide on it a reversed claim shows REVERSED', async () => {
    await decideBasic([{ type: 'ReverseClaim', data: { claimId: 'LC-JUL', reason: 'billed twice', ...terms } }], T3);
    expect(await slips.ledger('440300', 'P-LC', 2024)).toMatchObject({
      settled: false,
      claims: [expect.objectContaining({ status: 'PENDING' }), expect.objectContaining({ status: 'PENDING' })],
    });

    // basic's revision 3: LC-DEC is the first admission again, 25480
    await deliver([
      ciArrives(
        criticalIllness(
          3,
          3,
          { jul: '0.00', dec: '6500.00' },
          {
            tilted: true,
            cause: { reason: 'REVERSAL', claimId: 'LC-JUL' },
            julReversed: true,
            payments: [
              payment('LC-JUL', 'ADJUSTED', '-13000.00', '0.00', 'REVERSAL'),
              payment('LC-DEC', 'ADJUSTED', '500.00', '6500.00', 'REVERSAL'),
            ],
          },
        ),
        T3,
      ),
    ]);
    expect((await slips.slip('LC-DEC'))?.status).toBe('PENDING'); // assistance has not decided on it yet
    await deliver([
      assistanceArrives(
        assistance(
          3,
          3,
          3,
          { jul: '0.00', dec: '2000.00' },
          {
            cause: { reason: 'REVERSAL', claimId: 'LC-JUL' },
            julReversed: true,
            payments: [
              payment('LC-JUL', 'ADJUSTED', '-3000.00', '0.00', 'REVERSAL'),
              payment('LC-DEC', 'ADJUSTED', '-100.00', '2000.00', 'REVERSAL'),
            ],
          },
        ),
        T3,
      ),
    ]);

    expect(await slips.ledger('440300', 'P-LC', 2024)).toMatchObject({
      basic: '25480.00',
      criticalIllness: '6500.00',
      assistance: '2000.00',
      total: '38000.00',
      selfPay: '4020.00', // LC-DEC alone: 38000 − 25480 − 6500 − 2000
      settled: true,
      claims: [
        expect.objectContaining({ claimId: 'LC-JUL', status: 'REVERSED', basic: '0.00', criticalIllness: '0.00', assistance: '0.00' }),
        expect.objectContaining({ claimId: 'LC-DEC', status: 'SETTLED', selfPay: '4020.00' }),
      ],
    });
    expect((await slips.slip('LC-JUL'))?.adjustments.map((a) => [a.payer, a.amount, a.reason])).toEqual([
      ['criticalIllness', '1000.00', 'ELIGIBILITY_GRANTED'],
      ['basic', '-29520.00', 'REVERSAL'],
      ['criticalIllness', '-13000.00', 'REVERSAL'],
      ['assistance', '-3000.00', 'REVERSAL'],
    ]);
  });

  describe('v2: each decision carries only the claims it changed', () => {
    const GAP: PersonYearRef = { region: '440300', personId: 'P-GAP', year: 2024 };
    const gapClaim = (claim: ClaimDto): ClaimDto => ({ ...claim, claimId: `GAP-${claim.claimId}`, personId: 'P-GAP' });
    const ciClaim = (claim: ClaimDto, compliantSelfPay: string, criticalIllness: string) => ({
      claimId: `GAP-${claim.claimId}`,
      version: 1,
      status: 'LIVE' as const,
      serviceDate: claim.serviceDate,
      visitType: 'INPATIENT' as const,
      compliantSelfPay,
      criticalIllness,
    });
    /** 大病's v2 decision of P-GAP: its changed claims, the revision it follows, the year's totals (given by hand). */
    const delta = (
      revision: number,
      claims: ReturnType<typeof ciClaim>[],
      totals: { claimCount: number; compliantSelfPay: string; criticalIllness: string },
      payments: Payment[],
    ): CriticalIllnessPersonYearDecided => ({
      personYear: GAP,
      revision,
      previousRevision: revision - 1,
      basicRevision: 2,
      eligibilityRevision: 1,
      policyRevision: 1,
      cause: { reason: 'ELIGIBILITY_GRANTED', grantId: 'G-GAP' },
      tilted: true,
      base: '31920.00',
      threshold: '5000.00',
      entitlement: '0.00',
      claims,
      totals,
      payments,
    });
    const gapPayment = (claim: ClaimDto, amount: string, paid: string): Payment => ({
      ...payment(`GAP-${claim.claimId}`, 'ADJUSTED', amount, paid, 'ELIGIBILITY_GRANTED'),
    });
    const V1 = delta(
      1,
      [ciClaim(JUL, '20480.00', '12000.00'), ciClaim(DEC, '11440.00', '5000.00')],
      {
        claimCount: 2,
        compliantSelfPay: '31920.00',
        criticalIllness: '17000.00',
      },
      [
        payment('GAP-LC-JUL', 'SETTLED', '12000.00', '12000.00', 'INITIAL'),
        payment('GAP-LC-DEC', 'SETTLED', '5000.00', '5000.00', 'INITIAL'),
      ],
    );
    const V2 = delta(
      2,
      [ciClaim(JUL, '20480.00', '13000.00')],
      { claimCount: 2, compliantSelfPay: '31920.00', criticalIllness: '18000.00' },
      [gapPayment(JUL, '1000.00', '13000.00')],
    );
    const V3 = delta(
      3,
      [ciClaim(DEC, '11440.00', '6500.00')],
      { claimCount: 2, compliantSelfPay: '31920.00', criticalIllness: '19500.00' },
      [gapPayment(DEC, '1500.00', '6500.00')],
    );
    const gapAmounts = async () =>
      runtime.db.query("SELECT claim_id, critical_illness::text FROM claims WHERE person_id = 'P-GAP' ORDER BY claim_id");
    const gapShown = async () =>
      (await runtime.db.query<{ ci_revision: number }>("SELECT ci_revision FROM slip_person_years WHERE person_id = 'P-GAP'"))[0];
    const held = async () =>
      runtime.db.query<{ payer: string; revision: number; previous_revision: number }>(
        "SELECT payer, revision, previous_revision FROM slip_held_decisions WHERE stream_id = 'basic-person-year:440300:P-GAP:2024' ORDER BY revision",
      );

    beforeAll(async () => {
      await decideBasic([submit(gapClaim(DEC)), submit(gapClaim(JUL))], T0, GAP);
    });

    it('a delta changes only the claims it carries', async () => {
      await deliver([ciDeltaArrives(V1, T1)]);
      expect(await gapAmounts()).toEqual([
        { claim_id: 'GAP-LC-DEC', critical_illness: '5000.00' },
        { claim_id: 'GAP-LC-JUL', critical_illness: '12000.00' },
      ]);
    });

    it('a decision after a gap is held: the slip keeps the last revision it could apply', async () => {
      await deliver([ciDeltaArrives(V3, T3)]);
      expect(await gapShown()).toEqual({ ci_revision: 1 });
      expect((await gapAmounts()).map((c) => c.critical_illness)).toEqual(['5000.00', '12000.00']);
      expect(await held()).toEqual([{ payer: 'criticalIllness', revision: 3, previous_revision: 2 }]);
      // delivered again while held: still held once
      await deliver([ciDeltaArrives(V3, T3)]);
      expect(await held()).toHaveLength(1);
    });

    it('when the missing revision arrives, both apply in revision order, with their adjustments, and nothing stays held', async () => {
      await deliver([ciDeltaArrives(V2, T2)]);
      expect(await gapShown()).toEqual({ ci_revision: 3 });
      expect(await gapAmounts()).toEqual([
        { claim_id: 'GAP-LC-DEC', critical_illness: '6500.00' },
        { claim_id: 'GAP-LC-JUL', critical_illness: '13000.00' },
      ]);
      expect(await held()).toEqual([]);
      const adjustments = await runtime.db.query(
        "SELECT claim_id, amount::text, at FROM adjustments WHERE payer = 'criticalIllness' AND claim_id LIKE 'GAP-%' ORDER BY id",
      );
      expect(adjustments).toEqual([
        { claim_id: 'GAP-LC-JUL', amount: '1000.00', at: T2 },
        { claim_id: 'GAP-LC-DEC', amount: '1500.00', at: T3 },
      ]);
      // a repeat of either changes nothing
      await deliver([ciDeltaArrives(V2, T2), ciDeltaArrives(V3, T3)]);
      expect((await gapAmounts()).map((c) => c.critical_illness)).toEqual(['6500.00', '13000.00']);
      expect(await held()).toEqual([]);
    });
  });
});
