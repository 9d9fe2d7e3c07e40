import { randomUUID } from 'node:crypto';
import {
  applyDecision,
  BASIC_DECISION,
  BasicPersonYearDecided,
  CRITICAL_ILLNESS_DECISION,
  CriticalIllnessPersonYearDecided,
  decodeMessage,
  EVENT_TYPES,
  personKey,
  TOPICS,
} from '@msb/contracts';
import {
  applyPayments,
  CriticalIllnessDecisionSummary,
  criticalIllnessCatalogueFromWire,
  criticalIllnessPolicyFromWire,
  decideCriticalIllnessPersonYear,
  decidedSummary,
  decisionEvents,
  PaidSoFar,
  reasonFromUpstream,
} from '@msb/settlement';
import { applyStep, IdMap, kafkaAs, loadScenario, mapStep, randomTag, StatusBody, TestSystem } from '@msb/testing';

/**
 * A gap in a payer's revisions, end to end: with 大病 played by the test (its decisions made
 * with libs/settlement on basic's published decisions, produced as the critical-illness
 * principal), 大病's revision 2 reaches the bus before its revision 1. Basic's slip and
 * assistance each hold the person-year (`held` 1 in /status) and decide nothing on it; when
 * revision 1 arrives they apply both in revision order, and the slip is the golden one.
 */
const SCENARIO = 'late-claim-reorders-year.json';

describe('a missing decision revision: consumers hold the person-year and resume when it arrives', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start({ services: ['basic-insurance', 'medical-assistance'] });
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
  }, 120_000);

  /** Basic's decisions of the person-year as 大病 reads them (its own principal and consumer group). */
  async function basicDecisions(subject: string, count: number): Promise<BasicPersonYearDecided[]> {
    const consumer = kafkaAs('critical-illness', `gap-${randomTag()}`).consumer({
      groupId: `${system.topicPrefix}.critical-illness.gap-${randomTag()}`,
      maxWaitTimeInMs: 100,
    });
    const found: BasicPersonYearDecided[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: `${system.topicPrefix}.${TOPICS.basicDecisions}`, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${found.length} basic decisions of ${subject}`)), 60_000);
        void consumer.run({
          eachMessage: async ({ message }) => {
            const decoded = decodeMessage(message.value);
            if (decoded.ok && decoded.envelope.type === 'basic.PersonYearDecided' && decoded.envelope.subject === subject)
              found.push(decoded.envelope.data);
            if (found.length === count) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
    return found.sort((a, b) => a.revision - b.revision);
  }

  const status = async (client: 'basic' | 'assistance') =>
    (await system.clients[client].as('operator').get<StatusBody & { held: number }>('/status')).body;

  it('holds on 大病 revision 2 without 1, then settles the golden slips once 1 is produced', async () => {
    const scenario = loadScenario(SCENARIO);
    const ids = new IdMap(randomTag());
    const steps = scenario.steps.map((s) => mapStep(s, ids));
    const put = steps.find((s) => s.op === 'putPolicy');
    if (put?.op !== 'putPolicy' || !put.criticalIllness) throw new Error(`${SCENARIO} puts a 大病 policy`);
    const catalogue = steps.find((s) => s.op === 'putCatalogue');
    if (catalogue?.op !== 'putCatalogue' || !catalogue.criticalIllness) throw new Error(`${SCENARIO} puts a 大病 catalogue`);
    // 大病 is not running: its policy and its catalogue are the test's own
    for (const step of steps)
      await applyStep(
        system.clients,
        step.op === 'putPolicy' || step.op === 'putCatalogue' ? { ...step, criticalIllness: undefined } : step,
      );
    await system.caughtUp();

    const [key] = Object.keys(scenario.expected.personYears);
    const [region, personId, year] = ids.personYear(key).split('|');
    const personYear = { region, personId, year: Number(year) };
    const subject = `${region}:${personId}:${year}`;

    // 大病 as the insurer decides, on each of basic's revisions in turn (no grants: eligibility revision 0)
    const [b1, b2] = await basicDecisions(subject, 2);
    expect([b1.revision, b2.revision]).toEqual([1, 2]);
    const policy = criticalIllnessPolicyFromWire(put.criticalIllness);
    const eligibility = { revision: 0, windows: [] };
    const covered = { revision: 1, covered: criticalIllnessCatalogueFromWire(catalogue.criticalIllness) };
    const decide = (
      on: { revision: number; decided: CriticalIllnessDecisionSummary | null },
      basic: BasicPersonYearDecided,
      claims: BasicPersonYearDecided['claims'],
      paid: Record<string, PaidSoFar>,
    ) => {
      const outcome = decideCriticalIllnessPersonYear(
        policy,
        { revision: basic.revision, claims },
        eligibility,
        paid,
        reasonFromUpstream(basic.cause.reason),
        covered,
      );
      const events = decisionEvents(
        { key: personYear, ...on },
        outcome,
        { policyRevision: 1, catalogueRevision: covered.revision, cause: basic.cause },
        { settled: 'CriticalIllnessSettled', adjusted: 'CriticalIllnessAdjusted' },
        CRITICAL_ILLNESS_DECISION,
      );
      return events.find((e) => e.type === 'PersonYearDecided')!.data as unknown as CriticalIllnessPersonYearDecided;
    };
    const whole1 = applyDecision(null, b1, BASIC_DECISION.order);
    const whole2 = applyDecision(whole1, b2, BASIC_DECISION.order);
    const ci1 = decide({ revision: 0, decided: null }, b1, whole1.claims, {});
    const ci2 = decide(
      {
        revision: 1,
        decided: decidedSummary<CriticalIllnessDecisionSummary['claims'][number], CriticalIllnessDecisionSummary>(
          null,
          ci1,
          CRITICAL_ILLNESS_DECISION.order,
        ),
      },
      b2,
      whole2.claims,
      applyPayments({}, ci1.payments),
    );
    expect([ci2.revision, ci2.previousRevision]).toEqual([2, 1]);

    const producer = kafkaAs('critical-illness', `gap-${randomTag()}`).producer();
    await producer.connect();
    const produce = (data: CriticalIllnessPersonYearDecided) =>
      producer.send({
        topic: `${system.topicPrefix}.${TOPICS.criticalIllnessDecisions}`,
        acks: -1,
        messages: [
          {
            key: personKey(region, personId),
            value: JSON.stringify({
              id: randomUUID(),
              type: 'critical-illness.PersonYearDecided',
              version: EVENT_TYPES['critical-illness.PersonYearDecided'].version,
              source: 'critical-illness',
              subject,
              time: new Date().toISOString(),
              correlationId: `gap-${ids.tag}`,
              causationId: null,
              data,
            }),
          },
        ],
      });
    try {
      // revision 2 first: it follows revision 1, which neither consumer has
      await produce(ci2);
      await system.caughtUp();
      expect((await status('basic')).held).toBe(1);
      expect((await status('assistance')).held).toBe(1);
      for (const claimId of Object.keys(scenario.expected.claims)) {
        const slip = await system.clients.basic.get<{ status: string; criticalIllness: string }>(`/claims/${ids.claim(claimId)}`);
        expect(slip.body).toMatchObject({ status: 'PENDING', criticalIllness: '0.00' });
      }

      // the missing revision arrives: both apply in revision order, assistance decides on 大病's revision 2
      await produce(ci1);
      await system.caughtUp();
      expect((await status('basic')).held).toBe(0);
      expect((await status('assistance')).held).toBe(0);
      for (const [claimId, expected] of Object.entries(scenario.expected.claims)) {
        const slip = await system.clients.basic.get<Record<string, unknown>>(`/claims/${ids.claim(claimId)}`);
        expect(slip.body).toMatchObject(expected);
      }
      const { tilted: _tilted, assistanceCategory: _category, ...ledger } = scenario.expected.personYears[key];
      const basicLedger = await system.clients.basic.get<Record<string, unknown>>(`/ledgers/${region}/${personId}/${year}`);
      expect(basicLedger.body).toMatchObject({ ...ledger, settled: true });
    } finally {
      await producer.disconnect();
    }
  }, 240_000);
});
