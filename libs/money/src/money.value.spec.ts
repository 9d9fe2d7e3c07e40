import { Decimal, Money, money, print, round2 } from './money.value';

describe('round2 (四舍五入 to 0.01, ROUND_HALF_UP)', () => {
  it.each([
    ['0.005', '0.01'],
    ['0.004', '0.00'],
    ['0.0049999', '0.00'],
    ['2.675', '2.68'], // 2.675 is not representable as a binary double; as a decimal it rounds up
    ['1.005', '1.01'],
    ['56000', '56000.00'],
    ['12.344999', '12.34'],
    ['99999999999.995', '100000000000.00'],
  ])('given %s, when rounded, then it is %s', (given, expected) => {
    expect(round2(money(given)).toFixed(2)).toBe(expected);
  });

  it.each([
    ['-0.005', '-0.01'],
    ['-2.675', '-2.68'],
    ['-0.004', '0.00'],
    ['-1.115', '-1.12'],
  ])('given the negative %s, when rounded, then halves go away from zero: %s', (given, expected) => {
    const rounded = round2(money(given));
    expect(rounded.eq(money(expected))).toBe(true);
  });

  it('rounds exactly where a binary float would not', () => {
    // given the float trap 2.675 (which JS stores as 2.67499999…)
    expect((2.675).toFixed(2)).toBe('2.67');
    // when rounded as a decimal, then it is 2.68
    expect(round2(money('2.675')).toFixed(2)).toBe('2.68');
  });

  it('rounds regardless of the rounding mode of the Decimal it is given', () => {
    const down = Decimal.clone({ rounding: Decimal.ROUND_DOWN });
    expect(round2(new down('0.125')).toFixed(2)).toBe('0.13');
  });
});

describe('print', () => {
  it.each([
    ['0', '0.00'],
    ['1.5', '1.50'],
    ['56000', '56000.00'],
    ['1234.56', '1234.56'],
    ['-280', '-280.00'],
    ['-0.01', '-0.01'],
  ])('given %s, when printed, then it is %s', (given, expected) => {
    expect(print(money(given))).toBe(expected);
  });

  it.each(['0.001', '1.005', '12.3456', '-0.125'])('given %s with more than two decimals, when printed, then it refuses', (given) => {
    expect(() => print(money(given))).toThrow(RangeError);
    expect(() => print(money(given))).toThrow(/more than two decimals/);
  });

  it('prints what round2 returns', () => {
    expect(print(round2(money('1.005')))).toBe('1.01');
  });

  it('accepts trailing zeros beyond two decimals as long as the value is in cents', () => {
    expect(print(money('3.10000'))).toBe('3.10');
  });
});

describe('money', () => {
  it.each([
    ['0', '0'],
    ['1234.50', '1234.5'],
    ['007', '7'],
    ['-12.5', '-12.5'],
    ['0.000001', '0.000001'],
  ])('given the string %s, when parsed, then it is the decimal %s', (given, expected) => {
    const parsed = money(given);
    expect(parsed).toBeInstanceOf(Decimal);
    expect(parsed.toString()).toBe(expected);
  });

  it('given a Decimal, when parsed, then it is an equal Money', () => {
    const d = new Decimal('12.34');
    const parsed = money(d);
    expect(parsed.eq(d)).toBe(true);
    expect(parsed).toBeInstanceOf(Money);
  });

  it.each([
    '',
    ' ',
    'abc',
    '1,000',
    '1 000',
    ' 12',
    '12 ',
    '1.2.3',
    '.5',
    '5.',
    '+5',
    '1e5',
    '1E-2',
    '0x10',
    'NaN',
    'Infinity',
    '-Infinity',
    '--1',
    '¥100',
    '100元',
    '12.5%',
  ])('given the junk string %j, when parsed, then it throws', (junk) => {
    expect(() => money(junk)).toThrow(TypeError);
    expect(() => money(junk)).toThrow(/not a decimal amount/);
  });

  it.each([[12.5], [null], [undefined], [{}], [['1']]])('given the non-string %j, when parsed, then it throws', (junk) => {
    expect(() => money(junk as unknown as string)).toThrow(TypeError);
  });

  it('keeps full precision (no binary floats)', () => {
    expect(money('0.1').plus(money('0.2')).eq(money('0.3'))).toBe(true);
    expect(money('123456789012.34').times(money('0.7')).toString()).toBe('86419752308.638');
  });
});
