import { z } from 'zod';
import { breakingChanges, checkContract, Contract, currentContract, JsonSchema } from './contract.compatibility';
import { basicPersonYearDecidedV1, paymentSchema } from './events.schema';
import { reasonCode } from './domain-values.schema';

const json = (s: z.ZodType) => z.toJSONSchema(s) as JsonSchema;
const released = json(basicPersonYearDecidedV1);
const changed = (s: z.ZodType) => breakingChanges(released, json(s));

describe('released schemas are frozen but for new optional properties', () => {
  it('given the same schema, then nothing breaks', () => {
    expect(changed(basicPersonYearDecidedV1)).toEqual([]);
  });

  it('given an added optional property, at the top or deep inside, then nothing breaks', () => {
    expect(changed(basicPersonYearDecidedV1.extend({ note: z.string().optional() }))).toEqual([]);
    const payments = z.array(paymentSchema.extend({ batchId: z.string().optional() }));
    expect(changed(basicPersonYearDecidedV1.extend({ payments }))).toEqual([]);
  });

  it('given a removed (or renamed) property, then it breaks', () => {
    expect(changed(basicPersonYearDecidedV1.omit({ cause: true }))).toEqual(['cause: removed']);
    const renamed = basicPersonYearDecidedV1.omit({ revision: true }).extend({ rev: z.number().int().min(1) });
    expect(changed(renamed)).toEqual(['revision: removed', 'rev: new and required (only optional properties may be added)']);
  });

  it('given a new required property, or an optional one made required, then it breaks', () => {
    expect(changed(basicPersonYearDecidedV1.extend({ note: z.string() }))).toEqual([
      'note: new and required (only optional properties may be added)',
    ]);
    const cause = z.strictObject({
      reason: reasonCode,
      claimId: z.string(),
      grantId: z.string().optional(),
      policyRevision: z.number().int().optional(),
      catalogueRevision: z.number().int().optional(),
      hospitalId: z.string().optional(),
    });
    expect(changed(basicPersonYearDecidedV1.extend({ cause }))).toEqual([
      'cause.claimId: now required (producers of the released version may leave it out)',
    ]);
  });

  it('given a narrowed or a widened enum, deep inside, then it breaks', () => {
    const narrowed = z.array(paymentSchema.extend({ kind: z.enum(['SETTLED']) }));
    expect(changed(basicPersonYearDecidedV1.extend({ payments: narrowed }))).toEqual([
      'payments[].kind: enum narrowed, "ADJUSTED" no longer allowed',
    ]);
    const widened = z.array(paymentSchema.extend({ kind: z.enum(['SETTLED', 'ADJUSTED', 'WAIVED']) }));
    expect(changed(basicPersonYearDecidedV1.extend({ payments: widened }))).toEqual([
      'payments[].kind: enum widened, "WAIVED" unknown to readers of the released version',
    ]);
  });

  it('given a changed type, pattern or bound, or a property no longer required, then it breaks', () => {
    expect(changed(basicPersonYearDecidedV1.extend({ revision: z.string() }))).toEqual([
      'revision: type changed from "integer" to "string"',
      'revision: minimum 1 removed',
      'revision: maximum 9007199254740991 removed',
    ]);
    const payments = z.array(paymentSchema.extend({ amount: z.string().regex(/^-?\d+\.\d{2}$/) }));
    expect(changed(basicPersonYearDecidedV1.extend({ payments }))).toEqual([
      'payments[].amount: pattern changed from "^-?(0|[1-9]\\\\d{0,11})\\\\.\\\\d{2}$" to "^-?\\\\d+\\\\.\\\\d{2}$"',
    ]);
    expect(changed(basicPersonYearDecidedV1.extend({ policyRevision: z.number().int().min(1).optional() }))).toEqual([
      'policyRevision: no longer required (readers of the released version expect it)',
    ]);
  });

  it('given a descriptive note added, then nothing breaks', () => {
    expect(changed(basicPersonYearDecidedV1.describe('a person-year decision'))).toEqual([]);
  });
});

describe('checkContract: released type@versions against the registry', () => {
  const current = currentContract();

  it('reports a released type@version the registry no longer reads as breaking, and one it does not know as unreleased', () => {
    const { ['assistance.EligibilityGranted@1']: v1, ...rest } = current.events;
    const released: Contract = { envelope: current.envelope, events: { ...rest, 'basic.PersonYearDecided@0': v1 } };

    const report = checkContract(released, current);

    expect(report.breaking).toEqual([expect.stringMatching(/^basic\.PersonYearDecided@0: released, and no longer read/)]);
    expect(report.unreleased).toEqual(['assistance.EligibilityGranted@1']);
  });

  it('tells a compatible change from a breaking one, in the data and in the envelope', () => {
    const released: Contract = JSON.parse(JSON.stringify(current));
    const py = released.events['basic.PersonYearDecided@1'] as { properties: Record<string, unknown>; required: string[] };
    delete py.properties.cause; // the registry's version has a property more: compatible, unless it is required
    const ci = released.events['critical-illness.PersonYearDecided@1'] as {
      properties: { cause: { properties: Record<string, unknown> } };
    };
    delete ci.properties.cause.properties.grantId; // an optional one
    released.envelope = { ...released.envelope, required: (released.envelope.required as string[]).filter((k) => k !== 'causationId') };
    delete (released.envelope.properties as Record<string, unknown>).causationId;

    const report = checkContract(released, current);

    expect(report.breaking).toEqual([
      'envelope causationId: new and required (only optional properties may be added)',
      'basic.PersonYearDecided@1 cause: new and required (only optional properties may be added)',
    ]);
    expect(report.compatible).toEqual(['critical-illness.PersonYearDecided@1: changed compatibly (new optional properties)']);
    expect(report.unreleased).toEqual([]);
  });

  it('lists every event version of the registry, strictly (no unknown property in what a producer publishes)', () => {
    expect(Object.keys(current.events)).toContain('assistance.EligibilityRevoked@2');
    expect(current.events['basic.ClaimSubmitted@1']).toMatchObject({ additionalProperties: false });
  });
});
