import { z } from 'zod';
import { tolerant } from './tolerant.schema';

const point = z.strictObject({ x: z.number(), y: z.number().optional() });

describe('tolerant(schema): the reader of a strict schema drops unknown properties at any depth', () => {
  it('given strict objects inside optional, nullable, arrays, unions, records and tuples, then each drops what it does not know', () => {
    const schema = z.strictObject({
      a: point.optional(),
      b: point.nullable(),
      c: z.array(point),
      d: z.union([point, z.string()]),
      e: z.partialRecord(z.enum(['K']), point),
      f: z.tuple([point]),
    });
    const extra = { x: 1, q: 'unknown' };

    const read = tolerant(schema).parse({ a: extra, b: extra, c: [extra], d: extra, e: { K: extra }, f: [extra], z: 0 });

    expect(read).toEqual({ a: { x: 1 }, b: { x: 1 }, c: [{ x: 1 }], d: { x: 1 }, e: { K: { x: 1 } }, f: [{ x: 1 }] });
    expect(schema.safeParse({ a: extra, b: null, c: [], d: 's', e: {}, f: [{ x: 1 }] }).success).toBe(false); // the strict schema stays strict
  });

  it('keeps checks, refinements and their messages', () => {
    const schema = z.strictObject({ from: z.string().regex(/^\d{4}$/, 'must be a year'), to: z.string() }).superRefine((v, ctx) => {
      if (v.to < v.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'is before from' });
    });

    const r = tolerant(schema).safeParse({ from: '20x4', to: '2100', note: 'dropped' });
    const s = tolerant(schema).safeParse({ from: '2024', to: '2000', note: 'dropped' });

    expect(r.error?.issues.map((i) => i.message)).toEqual(['must be a year']);
    expect(s.error?.issues.map((i) => [i.path.join('/'), i.message])).toEqual([['to', 'is before from']]);
  });

  it('still refuses a missing or wrongly typed property', () => {
    expect(tolerant(point).safeParse({ y: 2, q: 1 }).success).toBe(false);
    expect(tolerant(point).safeParse({ x: '1' }).success).toBe(false);
  });

  it('gives back a schema with nothing strict in it as it is, and builds each reader once', () => {
    const loose = z.object({ x: z.array(z.string()) });

    expect(tolerant(loose)).toBe(loose);
    expect(tolerant(z.string())).not.toBe(undefined);
    expect(tolerant(point)).toBe(tolerant(point));
    expect(tolerant(point)).not.toBe(point);
  });

  it('reads recursive (lazy) schemas tolerantly too', () => {
    type Node = { name: string; children: Node[] };
    const node: z.ZodType<Node> = z.strictObject({ name: z.string(), children: z.array(z.lazy(() => node)) });

    expect(tolerant(node).parse({ name: 'a', q: 1, children: [{ name: 'b', q: 2, children: [] }] })).toEqual({
      name: 'a',
      children: [{ name: 'b', children: [] }],
    });
  });
});
