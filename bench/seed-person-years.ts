import { performance } from 'node:perf_hooks';
import { BasicPersonYearDecided, basicTotals, EVENT_TYPES, personKey, TOPICS } from '@msb/contracts';
import { envelope } from '@msb/eventing';
import { kafkaAs, rng, TestSystem } from '@msb/testing';

/**
 * Many person-years for a region-year, fast: basic's person-year decisions (1–3 inpatient
 * and chronic claims each, a heavy-tailed compliant self-pay, a tenth of each bill outside
 * basic scope for 大病's catalogue) published straight onto the
 * system's basic.decisions topic, as basic would. 大病 and assistance consume and decide them
 * through their normal path.
 */
export async function seedPersonYears(
  system: TestSystem,
  region: string,
  year: number,
  count: number,
  tag: string,
): Promise<{ started: number }> {
  // as basic-insurance: the only principal that may write basic.decisions
  const producer = kafkaAs('basic-insurance', 'bench-seed').producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const random = rng(42);
  const topic = `${system.topicPrefix}.${TOPICS.basicDecisions}`;
  const started = performance.now();
  const batch = 2000;
  for (let from = 0; from < count; from += batch) {
    const messages = [];
    for (let i = from; i < Math.min(count, from + batch); i++) {
      const personId = `${tag}-P${i}`;
      const n = 1 + Math.floor(random() * 3);
      const claims: BasicPersonYearDecided['claims'] = Array.from({ length: n }, (_, k) => {
        // in cents: total = policy scope + what lies outside basic scope (丙类, a negotiated drug on a third of the claims)
        const total = Math.round((2000 + Math.pow(random(), 2) * 60000) * 100);
        const scope = Math.round(total * 0.9);
        const basic = Math.round(scope * 0.7);
        const outside = total - scope;
        const code = random() < 1 / 3 ? 'C-NEGOTIATED' : 'C-OTHER';
        const print = (c: number) => (c / 100).toFixed(2);
        return {
          claimId: `${tag}-C${i}-${k}`,
          version: 1,
          status: 'LIVE' as const,
          serviceDate: `${year}-${String(1 + k * 4).padStart(2, '0')}-15`,
          visitType: k % 2 === 0 ? ('INPATIENT' as const) : ('OUTPATIENT_CHRONIC' as const),
          total: print(total),
          policyScope: print(scope),
          ciExtra: '0.00',
          basic: print(basic),
          compliantSelfPay: print(scope - basic),
          hospitalId: `${tag}-H3`,
          outOfScope: print(outside),
          deductiblePaid: '0.00',
          outOfScopeItems: [{ code, amount: print(outside) }],
          notInCatalogue: [],
        };
      });
      const data: BasicPersonYearDecided = {
        personYear: { region, personId, year },
        revision: 1,
        previousRevision: 0,
        policyRevision: 1,
        catalogueRevision: 1,
        hospitalRegistryRevision: 1,
        cause: { reason: 'INITIAL' },
        claims,
        totals: basicTotals(claims),
        payments: claims.map((c) => ({
          claimId: c.claimId,
          version: 1,
          kind: 'SETTLED' as const,
          amount: c.basic,
          paid: c.basic,
          reason: 'INITIAL' as const,
        })),
      };
      const e = envelope({
        type: 'basic.PersonYearDecided',
        version: EVENT_TYPES['basic.PersonYearDecided'].version,
        source: 'basic-insurance',
        subject: `${region}:${personId}:${year}`,
        data,
        time: new Date(),
      });
      messages.push({ key: personKey(region, personId), value: JSON.stringify(e) });
    }
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();
  return { started };
}
