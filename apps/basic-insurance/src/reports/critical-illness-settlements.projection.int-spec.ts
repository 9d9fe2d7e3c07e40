import { decodeMessage, FundSettled, TypedEnvelope } from '@msb/contracts';
import { envelope } from '@msb/eventing';
import { loadConfig, ServiceRuntime } from '@msb/platform';
import { agencyEnv, scratchDatabase, serviceDatabaseEnv } from '@msb/testing';
import pino from 'pino';
import { basicInsuranceService } from '../main';
import { CriticalIllnessSettlementsProjection } from './critical-illness-settlements.projection';
import { BasicFundReportView } from './fund-report.view';

/**
 * The 大病 fund's settlements booked by basic, on real Postgres migrated and granted as the
 * service is: each revision once, the latest revision whatever order they arrive in, and the
 * report's net by its sign convention (paid − surplusReturned + basicLossShare).
 */
const logger = pino({ level: 'silent' });

const settled = (revision: number, surplusReturned: string, basicLossShare: string, region = '440300'): FundSettled => ({
  region,
  year: 2024,
  revision,
  contractRevision: 1,
  premium: '20000.00',
  claimsPaid: revision === 1 ? '22000.00' : '12000.00',
  operatingCost: '1600.00',
  result: revision === 1 ? '-3600.00' : '6400.00',
  allowedProfit: '1000.00',
  surplusReturned,
  basicLossShare,
  policyLoss: revision === 1 ? { reason: 'basic deductible abolished', basicPolicyRevision: 2 } : null,
  settledAt: `2025-01-1${revision}T08:00:00.000Z`,
});

/** The event as the consumer hands it over: published by critical-illness, decoded and validated against libs/contracts. */
function arrives(data: FundSettled): TypedEnvelope<'critical-illness.FundSettled'> {
  const published = envelope({
    type: 'critical-illness.FundSettled',
    source: 'critical-illness',
    subject: `${data.region}:${data.year}`,
    data,
    time: new Date(data.settledAt),
  });
  const decoded = decodeMessage(JSON.stringify(published));
  if (!decoded.ok || decoded.envelope.type !== 'critical-illness.FundSettled')
    throw new Error('critical-illness.FundSettled does not decode');
  return decoded.envelope;
}

describe("basic's booking of the 大病 fund's settlements, on real Postgres", () => {
  let runtime: ServiceRuntime;
  let drop: () => Promise<void>;
  let view: BasicFundReportView;
  const projection = new CriticalIllnessSettlementsProjection();
  const book = (e: TypedEnvelope<'critical-illness.FundSettled'>) => runtime.db.transaction((tx) => projection.book(tx, e));

  beforeAll(async () => {
    const scratch = await scratchDatabase('msb_basic_fund_settlements');
    drop = scratch.drop;
    const config = loadConfig('basic-insurance', { port: 3001, database: scratch.name }, undefined, {
      ...serviceDatabaseEnv('basic-insurance'),
      ...agencyEnv('basic-insurance'),
    });
    const { migrations, grants } = basicInsuranceService;
    runtime = new ServiceRuntime({ config, logger, migrations, grants, produces: [], consumes: [] });
    await runtime.db.open();
    view = new BasicFundReportView(runtime);
    // basic paid 56000.00 on one claim of the region-year, and topped up 1000.00 later
    await runtime.db.query(
      `INSERT INTO payments (region, year, person_id, claim_id, version, kind, amount, reason, at)
       VALUES ('440300', 2024, 'P1', 'C1', 1, 'SETTLED', 56000.00, 'INITIAL', now()),
              ('440300', 2024, 'P1', 'C1', 2, 'ADJUSTED', 1000.00, 'CORRECTION', now())`,
    );
  }, 60_000);

  afterAll(async () => {
    await runtime?.db.close();
    await drop?.();
  });

  it('before any settlement books nothing from 大病: net is what basic paid', async () => {
    expect(await view.report('440300', 2024)).toMatchObject({
      paid: '57000.00',
      settlements: { count: 1, amount: '56000.00' },
      adjustments: {
        count: 1,
        topUps: '1000.00',
        clawBacks: '0.00',
        byReason: { CORRECTION: { count: 1, topUps: '1000.00', clawBacks: '0.00' } },
      },
      fromCriticalIllness: { surplusReturned: '0.00', basicLossShare: '0.00', settlementRevision: null, settledAt: null, policyLoss: null },
      net: '57000.00',
    });
  });

  it('books a settlement once: a loss share raises the net (57000.00 + 2160.00)', async () => {
    const first = arrives(settled(1, '0.00', '2160.00'));
    await book(first);
    await book(first);
    expect(await view.report('440300', 2024)).toMatchObject({
      fromCriticalIllness: {
        surplusReturned: '0.00',
        basicLossShare: '2160.00',
        settlementRevision: 1,
        settledAt: '2025-01-11T08:00:00.000Z',
        policyLoss: { reason: 'basic deductible abolished', basicPolicyRevision: 2 },
      },
      net: '59160.00',
    });
    const [{ n }] = await runtime.db.query<{ n: string }>('SELECT count(*)::text AS n FROM ci_fund_settlements');
    expect(n).toBe('1');
  });

  it('a re-settlement replaces the earlier revision’s figures, whatever order they arrive in: a surplus returned lowers the net', async () => {
    await book(arrives(settled(3, '5400.00', '0.00')));
    await book(arrives(settled(2, '4000.00', '0.00'))); // late, and older: the report keeps revision 3
    expect(await view.report('440300', 2024)).toMatchObject({
      fromCriticalIllness: { surplusReturned: '5400.00', basicLossShare: '0.00', settlementRevision: 3, policyLoss: null },
      net: '51600.00',
    });
    // another region's settlement is its own
    await book(arrives(settled(1, '9.99', '0.00', '110000')));
    expect((await view.report('440300', 2024)).fromCriticalIllness.settlementRevision).toBe(3);
    expect(await view.report('110000', 2024)).toMatchObject({ paid: '0.00', net: '-9.99' });
  });
});
