import { Band, bandProblems, grossBandsToExcessBands, payThroughBands } from './bands.rules';
import { money, print, round2 } from './money.value';

const band = (rate: string, upTo?: string): Band => (upTo === undefined ? { rate: money(rate) } : { upTo: money(upTo), rate: money(rate) });
const pay = (excess: string, bands: Band[]): string => payThroughBands(money(excess), bands).toString();

describe('payThroughBands', () => {
  describe('given a single open band', () => {
    const bands = [band('0.5')];

    it.each([
      ['44000', '22000'],
      ['0.01', '0.005'],
      ['123456.78', '61728.39'],
    ])('when the excess is %s, then it pays %s (not rounded)', (excess, expected) => {
      expect(pay(excess, bands)).toBe(expected);
    });
  });

  describe('given several bands (陕西 2023: 1–5万 60%, 5–10万 70%, above 80%, on the excess over 10,000)', () => {
    const bands = [band('0.60', '40000'), band('0.70', '90000'), band('0.80')];

    it('when the excess stays in the first band, then only its rate applies', () => {
      expect(pay('30000', bands)).toBe('18000');
    });

    it('when the excess reaches the second band, then each slice pays its own rate', () => {
      // 40000 × 0.6 + 10000 × 0.7
      expect(pay('50000', bands)).toBe('31000');
    });

    it('when the excess reaches the open band, then the top slice pays the last rate', () => {
      // 40000 × 0.6 + 50000 × 0.7 + 10000 × 0.8
      expect(pay('100000', bands)).toBe('67000');
    });

    it('when the excess is exactly at a boundary, then nothing of the next band is paid', () => {
      expect(pay('40000', bands)).toBe('24000');
      expect(pay('90000', bands)).toBe('59000');
    });

    it('when the excess is one cent past a boundary, then that cent pays the next rate', () => {
      expect(pay('40000.01', bands)).toBe('24000.007');
      expect(pay('90000.01', bands)).toBe('59000.008');
    });

    it('never pays less for a larger excess', () => {
      const amounts = ['0', '1', '39999.99', '40000', '40000.01', '89999.99', '90000', '90000.01', '500000'];
      const paid = amounts.map((a) => payThroughBands(money(a), bands));
      for (let i = 1; i < paid.length; i++) expect(paid[i].gte(paid[i - 1])).toBe(true);
    });
  });

  describe('given no excess', () => {
    const bands = [band('0.60', '40000'), band('0.80')];

    it.each(['0', '-1', '-50000.55'])('when the excess is %s, then it pays 0', (excess) => {
      expect(payThroughBands(money(excess), bands).isZero()).toBe(true);
    });
  });

  describe('given a last band with an upTo (a closed top)', () => {
    const bands = [band('0.50', '10000'), band('0.70', '30000')];

    it('when the excess is within the last band, then it is paid normally', () => {
      // 10000 × 0.5 + 10000 × 0.7
      expect(pay('20000', bands)).toBe('12000');
    });

    it('when the excess is beyond the last upTo, then the part above it pays nothing', () => {
      // 10000 × 0.5 + 20000 × 0.7, nothing above 30000
      expect(pay('30000', bands)).toBe('19000');
      expect(pay('80000', bands)).toBe('19000');
    });
  });

  it('given a zero-rate band in the middle, then that slice pays nothing and the next pays again', () => {
    const bands = [band('1', '1000'), band('0', '2000'), band('0.5')];
    expect(pay('3000', bands)).toBe('1500');
  });

  it('given no bands at all, then it pays nothing', () => {
    expect(pay('1000', [])).toBe('0');
  });
});

describe('grossBandsToExcessBands', () => {
  // 山东-style bands stated on the gross amount: 12k–30k pays 60%, 30k–100k 65%, above 75%, threshold 12,000.
  const threshold = money('12000');
  const gross = [band('0.60', '30000'), band('0.65', '100000'), band('0.75')];

  it('given gross bands, when converted, then every upTo is measured on the excess over the threshold', () => {
    const excess = grossBandsToExcessBands(threshold, gross);
    expect(excess.map((b) => ({ upTo: b.upTo?.toString(), rate: b.rate.toString() }))).toEqual([
      { upTo: '18000', rate: '0.6' },
      { upTo: '88000', rate: '0.65' },
      { upTo: undefined, rate: '0.75' },
    ]);
    expect('upTo' in excess[2]).toBe(false);
  });

  it('given 150,000 of compliant self-pay (scenarios/progressive-bands.json), then 大病 pays 10,800 + 45,500 + 37,500 = 93,800', () => {
    const excessBands = grossBandsToExcessBands(threshold, gross);
    const excess = money('150000').minus(threshold);
    expect(print(round2(payThroughBands(excess, excessBands)))).toBe('93800.00');
    // and slice by slice: 18000 × 0.60, 70000 × 0.65, 50000 × 0.75
    expect(payThroughBands(money('18000'), excessBands).toString()).toBe('10800');
    expect(payThroughBands(money('88000'), excessBands).toString()).toBe('56300');
  });

  it('given gross bands, then the converted bands pay the same as the gross slices for any gross amount', () => {
    const excessBands = grossBandsToExcessBands(threshold, gross);
    const grossSlices = (amount: string): string => {
      const a = money(amount);
      const slice = (lo: string, hi: string | undefined) => {
        const upper = hi === undefined || a.lt(hi) ? a : money(hi);
        return upper.gt(lo) ? upper.minus(lo) : money('0');
      };
      return slice('12000', '30000')
        .times('0.60')
        .plus(slice('30000', '100000').times('0.65'))
        .plus(slice('100000', undefined).times('0.75'))
        .toString();
    };
    for (const amount of ['0', '11999.99', '12000', '12000.01', '29999.99', '30000', '64000.5', '100000', '100000.01', '987654.32']) {
      expect(payThroughBands(money(amount).minus(threshold), excessBands).toString()).toBe(grossSlices(amount));
    }
  });

  it('does not change the input bands', () => {
    grossBandsToExcessBands(threshold, gross);
    expect(gross[0].upTo?.toString()).toBe('30000');
  });

  it('converted bands are well formed when the gross bands start above the threshold', () => {
    expect(bandProblems(grossBandsToExcessBands(threshold, gross))).toEqual([]);
  });
});

describe('bandProblems', () => {
  it('given well-formed bands, then there are no problems', () => {
    expect(bandProblems([band('0.6', '40000'), band('0.7', '90000'), band('0.8')])).toEqual([]);
    expect(bandProblems([band('1')])).toEqual([]);
    expect(bandProblems([band('0', '100'), band('1', '200')])).toEqual([]); // a closed last band is allowed
  });

  it('given no bands, then at least one is required', () => {
    expect(bandProblems([])).toEqual(['at least one band is required']);
  });

  it('given an open band before the last, then only the last may omit upTo', () => {
    expect(bandProblems([band('0.6'), band('0.7')])).toEqual(['band 0: only the last band may omit upTo']);
  });

  it('given an upTo of zero or below, then upTo must be positive', () => {
    expect(bandProblems([band('0.6', '0'), band('0.7')])).toEqual(['band 0: upTo must be positive']);
    expect(bandProblems([band('0.6', '-5'), band('0.7')])).toEqual(['band 0: upTo must be positive']);
  });

  it('given an upTo that does not increase, then upTo must increase', () => {
    expect(bandProblems([band('0.6', '1000'), band('0.7', '1000'), band('0.8')])).toEqual(['band 1: upTo must increase']);
    expect(bandProblems([band('0.6', '1000'), band('0.7', '500'), band('0.8')])).toEqual(['band 1: upTo must increase']);
  });

  it('given a rate outside [0, 1], then the rate is refused', () => {
    expect(bandProblems([band('1.01')])).toEqual(['band 0: rate must be between 0 and 1']);
    expect(bandProblems([band('-0.1')])).toEqual(['band 0: rate must be between 0 and 1']);
  });

  it('given several faults, then each is reported with its band', () => {
    expect(bandProblems([band('2'), band('0.5', '0'), band('0.5')])).toEqual([
      'band 0: only the last band may omit upTo',
      'band 0: rate must be between 0 and 1',
      'band 1: upTo must be positive',
    ]);
  });
});
