import { money, sum } from '@msb/money';
import { latestDecisions } from '../analysis/log.index';
import { REGION, twoPersonYears } from '../analysis/test-log.spec-helper';
import { LoggedDecision, paymentsReport, regionYearDecisions } from './payments-report.rules';

/**
 * The log of two person-years (P-RE: two stays, then a retroactive 特困 grant; P-2: a stay and a
 * chronic visit corrected, then reversed). What each payer decided there, by hand:
 *   basic  settled 33740 + 54800 + 41720 + 585; 补付 195 (correction); 追回 780 (reversal)
 *   大病    settled 3156 + 2520 + 13968 + 189; 补付 63 (correction), 3513 + 1164 (the grant); 追回 252
 *   assistance settled 0 on every claim; 补付 8591 + 8148 (the grant)
 */
const index = twoPersonYears().index();
const decisions = index.decisions as readonly LoggedDecision[];

describe('paymentsReport', () => {
  it('given the two person-years, then each payer’s year: settled, 补付, 追回 and net, exact', () => {
    expect(paymentsReport(REGION, 2024, decisions).totals).toEqual({
      basic: { payments: 6, settled: '130845.00', topUps: '195.00', clawBacks: '-780.00', adjustments: '-585.00', net: '130260.00' },
      criticalIllness: {
        payments: 8,
        settled: '19833.00',
        topUps: '4740.00',
        clawBacks: '-252.00',
        adjustments: '4488.00',
        net: '24321.00',
      },
      assistance: { payments: 6, settled: '0.00', topUps: '16739.00', clawBacks: '0.00', adjustments: '16739.00', net: '16739.00' },
    });
  });

  it('given the two person-years, then the adjustments of each payer by reason code', () => {
    expect(paymentsReport(REGION, 2024, decisions).adjustmentsByReason).toEqual({
      basic: {
        CORRECTION: { count: 1, topUps: '195.00', clawBacks: '0.00', net: '195.00' },
        REVERSAL: { count: 1, topUps: '0.00', clawBacks: '-780.00', net: '-780.00' },
      },
      criticalIllness: {
        CORRECTION: { count: 1, topUps: '63.00', clawBacks: '0.00', net: '63.00' },
        ELIGIBILITY_GRANTED: { count: 2, topUps: '4677.00', clawBacks: '0.00', net: '4677.00' },
        REVERSAL: { count: 1, topUps: '0.00', clawBacks: '-252.00', net: '-252.00' },
      },
      assistance: { ELIGIBILITY_GRANTED: { count: 2, topUps: '16739.00', clawBacks: '0.00', net: '16739.00' } },
    });
  });

  it('given the decisions, then each payer’s net is what its latest decisions leave paid on the claims (folded another way)', () => {
    const report = paymentsReport(REGION, 2024, decisions);
    for (const payer of ['basic', 'criticalIllness', 'assistance'] as const) {
      const left = [...latestDecisions(index, payer).values()].flatMap((d) =>
        (d.data.claims as unknown as Record<string, string>[]).map((c) => money(c[payer])),
      );
      expect(report.totals[payer].net).toBe(sum(left).toFixed(2));
    }
  });

  it('given decisions in two months, then one line per payer and month, months in order, payers in paying order, adding up to the year', () => {
    // the reversal's decisions (the last three) were made in July
    const moved = decisions.map((d, i) => (i >= decisions.length - 3 ? { ...d, time: '2024-07-01T00:00:00.000Z' } : d));
    const report = paymentsReport(REGION, 2024, moved);
    expect(report.months.map((m) => [m.month, m.payer, m.net])).toEqual([
      ['2024-06', 'basic', '131040.00'],
      ['2024-06', 'criticalIllness', '24573.00'],
      ['2024-06', 'assistance', '16739.00'],
      ['2024-07', 'basic', '-780.00'],
      ['2024-07', 'criticalIllness', '-252.00'],
    ]);
    expect(report.months[3]).toEqual({
      month: '2024-07',
      payer: 'basic',
      payments: 1,
      settled: '0.00',
      topUps: '0.00',
      clawBacks: '-780.00',
      adjustments: '-780.00',
      net: '-780.00',
    });
    for (const payer of ['basic', 'criticalIllness', 'assistance'] as const)
      expect(sum(report.months.filter((m) => m.payer === payer).map((m) => money(m.net))).toFixed(2)).toBe(report.totals[payer].net);
  });

  it('given a decision logged twice, then it is counted once', () => {
    const twice = [...decisions, ...index.decisions.filter((d) => d.data.cause.reason === 'REVERSAL')] as LoggedDecision[];
    expect(paymentsReport(REGION, 2024, twice)).toEqual(paymentsReport(REGION, 2024, decisions));
  });

  it('given another region or year, then nothing of these person-years, and zero everywhere', () => {
    const other = paymentsReport('110000', 2024, decisions);
    expect(other.months).toEqual([]);
    expect(other.totals.basic).toEqual({
      payments: 0,
      settled: '0.00',
      topUps: '0.00',
      clawBacks: '0.00',
      adjustments: '0.00',
      net: '0.00',
    });
    expect(other.adjustmentsByReason).toEqual({ basic: {}, criticalIllness: {}, assistance: {} });
    expect(paymentsReport(REGION, 2023, decisions).months).toEqual([]);
  });
});

describe('regionYearDecisions', () => {
  it('given decisions of several region-years and a repeat, then those of the region-year in log order, each revision once', () => {
    const [first, second] = decisions;
    const elsewhere = { ...first, data: { ...first.data, personYear: { ...first.data.personYear, year: 2023 } } } as LoggedDecision;
    expect(regionYearDecisions([first, elsewhere, second, first], REGION, 2024)).toEqual([first, second]);
  });
});
