import { csvField, reportCsv, reportRows } from './csv.report';

describe('a report as CSV (RFC 4180)', () => {
  it('given a report with lines, then one row per line with the report fields in front, nested fields dotted', () => {
    const report = {
      region: '110000',
      year: 2026,
      totals: { paid: '10.00' },
      categories: [
        { category: 'DIBAO', people: 2, paid: '7.50' },
        { category: 'TEKUN', people: 1, paid: '2.50' },
      ],
    };
    expect(reportCsv(report)).toBe(
      'region,year,totals.paid,categories.category,categories.people,categories.paid\r\n' +
        '110000,2026,10.00,DIBAO,2,7.50\r\n' +
        '110000,2026,10.00,TEKUN,1,2.50\r\n',
    );
  });

  it('given a report without lines, then a header row and one row of every field', () => {
    expect(reportCsv({ premium: '100.00', settled: false, byReason: { LATE_CLAIM: { count: 1 } }, tags: ['a', 'b'] })).toBe(
      'premium,settled,byReason.LATE_CLAIM.count,tags\r\n100.00,false,1,a b\r\n',
    );
  });

  it('given a list, then its items are the rows and a column missing from a row is empty', () => {
    expect(reportRows([{ a: '1' }, { b: '2' }])).toEqual([{ a: '1' }, { b: '2' }]);
    expect(reportCsv([{ a: '1' }, { b: '2' }])).toBe('a,b\r\n1,\r\n,2\r\n');
  });

  it('quotes commas, quotes and line breaks; a formula-like text is defused but a negative amount is kept', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField('=SUM(A1:A9)')).toBe("'=SUM(A1:A9)");
    expect(csvField('@cmd')).toBe("'@cmd");
    expect(csvField('-14000.00')).toBe('-14000.00');
    expect(csvField('-1+1')).toBe("'-1+1");
  });
});
