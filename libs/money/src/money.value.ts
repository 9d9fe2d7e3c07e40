import Decimal from 'decimal.js';

/**
 * Money is a Decimal from the moment it is parsed to the moment it is printed.
 * A dedicated Decimal constructor keeps our precision and rounding settings away
 * from anybody else's use of decimal.js.
 */
export const Money = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Money = Decimal;

/** Amounts travel as strings with at most two decimals: "1234.50". */
export const AMOUNT_PATTERN = /^(0|[1-9]\d{0,11})(\.\d{1,2})?$/;
/** Rates and factors travel as strings: "0.70", "1", "0.055". */
export const RATE_PATTERN = /^(0|[1-9]\d{0,2})(\.\d{1,6})?$/;

export const ZERO: Decimal = new Money(0);
export const ONE: Decimal = new Money(1);

/** Parse a money string. Throws on anything that is not a plain non-negative decimal. */
export function money(value: string | Decimal): Decimal {
  if (value instanceof Decimal) return new Money(value);
  if (typeof value !== 'string' || !/^-?\d+(\.\d+)?$/.test(value)) {
    throw new TypeError(`not a decimal amount: ${JSON.stringify(value)}`);
  }
  return new Money(value);
}

/** 四舍五入 to 0.01 (ROUND_HALF_UP), the only rounding the rules know. */
export function round2(value: Decimal): Decimal {
  return value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/** Print with exactly two decimals, "56000.00". Refuses values that are not already cents. */
export function print(value: Decimal): string {
  if (value.decimalPlaces() > 2) {
    throw new RangeError(`amount ${value.toString()} has more than two decimals; round before printing`);
  }
  return value.toFixed(2);
}

export function sum(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
}

export function max(a: Decimal, b: Decimal): Decimal {
  return a.gte(b) ? a : b;
}

export function min(a: Decimal, b: Decimal): Decimal {
  return a.lte(b) ? a : b;
}

/** Clamp a rate into [0, 1]. */
export function clampRate(rate: Decimal): Decimal {
  return max(ZERO, min(ONE, rate));
}

export { Decimal };
