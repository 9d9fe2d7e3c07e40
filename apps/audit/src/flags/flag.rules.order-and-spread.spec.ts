// The flags do not depend on arrival order, and fixed-price peer groups still show outliers.
import { stay, TestLog } from '../analysis/test-log.spec-helper';
import { DEFAULT_THRESHOLDS, fraudFlags } from './flag.rules';

const flagsOf = (log: TestLog) => fraudFlags(log.index(), DEFAULT_THRESHOLDS).map((f) => [f.type, [...f.claimIds].sort()]);

describe('fraudFlags: order and spread', () => {
  it('the same two stays give the same flags whatever order the hospitals submitted them in', () => {
    // X: 5-day stay at H-CITY-3 admitted 2024-04-01; Y: day case at H-COUNTY-2 on 2024-04-01, another diagnosis
    const x = stay('X', 'P-O', '2024-04-01', '2024-04-06', { hospital: 'H-CITY-3', diagnosis: ['K35.8'] });
    const y = stay('Y', 'P-O', '2024-04-01', '2024-04-01', { hospital: 'H-COUNTY-2', diagnosis: ['S72.0'] });
    const xFirst = new TestLog();
    xFirst.claim(x);
    xFirst.claim(y);
    const yFirst = new TestLog();
    yFirst.claim(y);
    yFirst.claim(x);

    expect(flagsOf(yFirst)).toEqual(flagsOf(xFirst));
    expect(flagsOf(xFirst)).toEqual([['OVERLAPPING_STAYS', ['X', 'Y']]]);
  });

  it('a total of 80,000 among 25 peers that all cost 9,000 is an outlier', () => {
    const log = new TestLog();
    for (let i = 1; i <= 25; i++)
      log.claim(stay(`N-${i}`, `P-N${i}`, '2024-03-01', '2024-03-08', { hospital: 'H-COUNTY-2', diagnosis: ['J18.9'], total: '9000' }));
    log.claim(stay('N-X', 'P-NX', '2024-03-01', '2024-03-08', { hospital: 'H-COUNTY-2', diagnosis: ['J18.9'], total: '80000' }));

    expect(flagsOf(log)).toEqual([['AMOUNT_OUTLIER', ['N-X']]]);
  });
});
