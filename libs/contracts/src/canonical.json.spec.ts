import fc from 'fast-check';
import { canonicalJson, sameJson } from './canonical.json';

/** The definition: keys sorted, no whitespace, undefined members dropped (the form every stored hash was made with). */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('non-finite number in canonical JSON');
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : reference(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`;
}

const jsonValue = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.constant(undefined),
    fc.boolean(),
    fc.constantFrom(0, -0, 1, 1.5, 1e21),
    fc.integer({ min: -3, max: 3 }),
    fc.constantFrom('', 'a', '1', 'null'),
    fc.array(tie('any'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('any'), { maxKeys: 3 }),
  ),
})).any;

/** The same value with its keys in another order and undefined members added: the same canonical JSON. */
function reshuffled(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reshuffled);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = { zz: undefined };
  for (const key of Object.keys(value).reverse()) out[key] = reshuffled((value as Record<string, unknown>)[key]);
  return out;
}

describe('sameJson', () => {
  it('says what comparing the canonical JSON says, on any two values', () => {
    fc.assert(
      fc.property(jsonValue, jsonValue, (a, b) => {
        expect(sameJson(a, b)).toBe(canonicalJson(a) === canonicalJson(b));
      }),
      { numRuns: 5000 },
    );
  });

  it('holds a value the same as itself reshuffled, and tells one change apart', () => {
    fc.assert(
      fc.property(jsonValue, (a) => {
        expect(sameJson(a, reshuffled(a))).toBe(true);
        expect(sameJson({ v: a }, { v: a, extra: 1 })).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a number JSON cannot carry', () => {
    expect(() => sameJson({ a: Number.NaN }, { a: 1 })).toThrow(TypeError);
  });
});

describe('canonicalJson', () => {
  it('is the reference definition on any JSON value, with undefined members and array holes among them', () => {
    const value = fc.letrec((tie) => ({
      any: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.constant(undefined),
        fc.boolean(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer(),
        fc.string({ unit: 'binary' }),
        fc.array(tie('any')),
        fc.dictionary(fc.string({ unit: 'binary' }), tie('any')),
      ),
    })).any;
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalJson(v)).toBe(reference(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts keys by UTF-16 code units (a surrogate pair before U+FFFF) and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: [undefined, 2], é: 'x', Z: undefined, '\u{1F600}': true, '\uFFFF': null })).toBe(
      '{"a":[null,2],"b":1,"é":"x","\u{1F600}":true,"\uFFFF":null}',
    );
  });

  it('refuses a number JSON cannot carry', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow(TypeError);
  });
});
