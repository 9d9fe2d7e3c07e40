import { hospitalFiguresSchema, monthRange, reconcile, statementCsv, statementOf } from './statement.rules';

const statement = statementOf('basic', 'H1', '2026-12', [
  { claimId: 'C2', settled: '0', topUps: '150.25', clawBacks: '0' },
  { claimId: 'C1', settled: '56000.00', topUps: '0.00', clawBacks: '-14000.00' },
]);

describe('a statement (对账单)', () => {
  it('given the month sums per claim, then each line nets settled + 补付 + 追回 and the totals add up exactly', () => {
    expect(statement).toEqual({
      hospitalId: 'H1',
      month: '2026-12',
      payer: 'basic',
      claims: 2,
      settled: '56000.00',
      topUps: '150.25',
      clawBacks: '-14000.00',
      net: '42150.25',
      lines: [
        { claimId: 'C1', settled: '56000.00', topUps: '0.00', clawBacks: '-14000.00', net: '42000.00' },
        { claimId: 'C2', settled: '0.00', topUps: '150.25', clawBacks: '0.00', net: '150.25' },
      ],
    });
  });

  it('given no payments, then zero everywhere and no lines', () => {
    expect(statementOf('assistance', 'H9', '2026-01', [])).toMatchObject({ claims: 0, settled: '0.00', net: '0.00', lines: [] });
  });

  it('as CSV: a header row and one row per claim', () => {
    expect(statementCsv(statement)).toBe(
      'claimId,settled,topUps,clawBacks,net\r\nC1,56000.00,0.00,-14000.00,42000.00\r\nC2,0.00,150.25,0.00,150.25\r\n',
    );
  });

  it('covers the month in UTC, December into the next year', () => {
    expect(monthRange('2026-12')).toEqual({ from: new Date('2026-12-01T00:00:00Z'), to: new Date('2027-01-01T00:00:00Z') });
  });
});

describe('a reconciliation (对总账, 对明细账)', () => {
  it('given the same net and lines, then matched with nothing listed', () => {
    const figures = {
      net: '42150.25',
      lines: [
        { claimId: 'C2', net: '150.25' },
        { claimId: 'C1', net: '42000.00' },
      ],
    };
    expect(reconcile(statement, figures)).toEqual({ matched: true, totals: {}, lines: [] });
  });

  it('given only the net, then only the net is compared', () => {
    expect(reconcile(statement, { net: '42150.25' }).matched).toBe(true);
    expect(reconcile(statement, { net: '42150.26' })).toEqual({
      matched: false,
      totals: { net: { ours: '42150.25', theirs: '42150.26' } },
      lines: [],
    });
  });

  it('given differing totals, a differing line, a claim only we have and one only they have, then each is listed', () => {
    const answer = reconcile(statement, {
      net: '56150.25',
      settled: '56000.00',
      topUps: '150.25',
      clawBacks: '0.00',
      lines: [
        { claimId: 'C1', net: '56000.00' },
        { claimId: 'C9', net: '10.00' },
      ],
    });
    expect(answer).toEqual({
      matched: false,
      totals: { net: { ours: '42150.25', theirs: '56150.25' }, clawBacks: { ours: '-14000.00', theirs: '0.00' } },
      lines: [
        { claimId: 'C1', ours: '42000.00', theirs: '56000.00' },
        { claimId: 'C2', ours: '150.25', theirs: null },
        { claimId: 'C9', ours: null, theirs: '10.00' },
      ],
    });
  });

  it('refuses figures without a net, with bad amounts, unknown fields or a claim listed twice, listing every problem', () => {
    const parsed = hospitalFiguresSchema.safeParse({
      settled: '1.5',
      extra: true,
      lines: [
        { claimId: 'C1', net: '1.00' },
        { claimId: 'C1', net: 'x' },
      ],
    });
    expect(parsed.success).toBe(false);
    const paths = (parsed.error?.issues ?? []).map((i) => i.path.join('/'));
    expect(paths).toEqual(expect.arrayContaining(['net', 'settled', 'lines/1/net', '']));
    const twice = hospitalFiguresSchema.safeParse({
      net: '1.00',
      lines: [
        { claimId: 'C1', net: '1.00' },
        { claimId: 'C1', net: '0.00' },
      ],
    });
    expect(twice.error?.issues.map((i) => i.path.join('/'))).toEqual(['lines/1/claimId']);
  });
});
