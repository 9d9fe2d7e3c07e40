import { z } from 'zod';
import { eventVersions } from './event-versions.reader';

const v1 = z.strictObject({ amount: z.string() });
const v2 = z.strictObject({ amount: z.string(), currency: z.literal('CNY') });
const v3 = z.strictObject({ amount: z.strictObject({ value: z.string(), currency: z.literal('CNY') }) });
const upcasters = {
  'x.Paid@1': (d: unknown) => ({ ...(d as object), currency: 'CNY' }),
  'x.Paid@2': (d: unknown) => {
    const { amount, currency } = d as { amount: string; currency: 'CNY' };
    return { amount: { value: amount, currency } };
  },
};
const registry = () =>
  eventVersions({ types: { 'x.Paid': { version: 3, schema: v3 } }, upcasters, olderSchemas: { 'x.Paid@1': v1, 'x.Paid@2': v2 } });

const envelope = (version: number, data: unknown, extra: object = {}) => ({
  id: '00000000-0000-4000-8000-000000000009',
  type: 'x.Paid',
  version,
  source: 'x',
  subject: 's',
  time: '2024-06-01T08:00:00.000Z',
  correlationId: 'c',
  causationId: null,
  data,
  ...extra,
});

describe('eventVersions: each type has its current version and an upcaster chain from every older one', () => {
  it('given v1 with an unknown property, when decoded, then v1 is read with its own schema (dropping it) and upcast twice', () => {
    const sent = envelope(1, { amount: '1.00', memo: 'x' });

    expect(registry().decode(sent)).toEqual({
      ok: true,
      envelope: envelope(3, { amount: { value: '1.00', currency: 'CNY' } }),
      published: sent,
      ignored: ['/data/memo'],
    });
  });

  it('given v1 that its own schema refuses, then INVALID_DATA (the upcaster never sees it)', () => {
    expect(registry().decode(envelope(1, { amount: 100 }))).toMatchObject({
      ok: false,
      reason: 'INVALID_DATA',
      detail: expect.stringMatching(/^\/amount/),
    });
  });

  it('tells a newer version (NEWER_VERSION) from an older one nobody reads (UNKNOWN_VERSION)', () => {
    const r = eventVersions({
      types: { 'x.Paid': { version: 3, schema: v3 } },
      upcasters: { 'x.Paid@2': upcasters['x.Paid@2'] },
      olderSchemas: { 'x.Paid@2': v2 },
    });

    expect(r.decode(envelope(4, {}))).toMatchObject({ ok: false, reason: 'NEWER_VERSION', envelope: envelope(4, {}) });
    expect(r.decode(envelope(1, { amount: '1.00' }))).toMatchObject({ ok: false, reason: 'UNKNOWN_VERSION' });
    expect(r.decode(envelope(2, { amount: '1.00', currency: 'CNY' }))).toMatchObject({ ok: true, envelope: { version: 3 } });
  });

  it("refuses, when built, an upcaster without its version's schema, a schema without its upcaster, and a gap in the chain", () => {
    const types = { 'x.Paid': { version: 3, schema: v3 } };
    expect(() => eventVersions({ types, upcasters, olderSchemas: { 'x.Paid@1': v1 } })).toThrow('x.Paid@2 needs both its schema');
    expect(() =>
      eventVersions({ types, upcasters: { 'x.Paid@2': upcasters['x.Paid@2'] }, olderSchemas: { 'x.Paid@1': v1, 'x.Paid@2': v2 } }),
    ).toThrow('x.Paid@1 needs both its schema');
    expect(() => eventVersions({ types, upcasters: { 'x.Paid@1': upcasters['x.Paid@1'] }, olderSchemas: { 'x.Paid@1': v1 } })).toThrow(
      'x.Paid@1 is registered but not read',
    );
    expect(() => eventVersions({ types, upcasters: { 'y.Other@1': upcasters['x.Paid@1'] }, olderSchemas: {} })).toThrow(
      'y.Other@1 is registered but not read',
    );
  });

  it('upcast (for logs read back) follows the same chain without validating', () => {
    expect(registry().upcast(envelope(1, { amount: '2.00' }))).toEqual(envelope(3, { amount: { value: '2.00', currency: 'CNY' } }));
  });
});
