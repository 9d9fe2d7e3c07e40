import { z } from 'zod';
import { hospitalLevel, itemCategory, visitType } from './domain-values.schema';
import { amount, icd10, identifier, isoDate, rate, regionCode, required } from './primitives.schema';

/** An item quantity: a positive decimal with at most four decimals ("2", "0.5"). */
export const quantity = z
  .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string such as "2" or "0.5"') })
  .regex(/^(0|[1-9]\d{0,8})(\.\d{1,4})?$/, 'must be a non-negative decimal with at most four decimals, e.g. "2"')
  .refine((q) => Number(q) > 0, 'must be more than 0');

/** A unit price: at most four decimals (drug prices are often quoted to 0.0001). */
export const unitPrice = z
  .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string such as "12.50"') })
  .regex(/^(0|[1-9]\d{0,11})(\.\d{1,4})?$/, 'must be a non-negative amount with at most four decimals, e.g. "12.5000"');

const itemCode = z
  .string({ error: required('must be a string') })
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters');

/** `quantity × unitPrice`, exactly, as a decimal string (no floating point): the item's amount must equal it at cents. */
function times(a: string, b: string): string {
  const scale = (s: string) => (s.split('.')[1] ?? '').length;
  const digits = (s: string) => BigInt(s.replace('.', ''));
  const [sa, sb] = [scale(a), scale(b)];
  const product = digits(a) * digits(b); // scaled by 10^(sa+sb)
  const s = sa + sb;
  const whole = product / 10n ** BigInt(s);
  const frac = (product % 10n ** BigInt(s)).toString().padStart(s, '0');
  return s === 0 ? whole.toString() : `${whole}.${frac}`;
}

/** Two decimal strings equal as numbers ("12.5" = "12.50"). */
function sameAmount(a: string, b: string): boolean {
  const norm = (s: string) => {
    const [w, f = ''] = s.split('.');
    const frac = f.replace(/0+$/, '');
    return frac ? `${BigInt(w)}.${frac}` : `${BigInt(w)}`;
  };
  return norm(a) === norm(b);
}

/**
 * A bill item as a hospital sends it: its catalogue code (医保目录编码) and amount, with the
 * quantity and unit price when it has them (then quantity × unitPrice must equal the amount).
 * What the item is worth to each payer is not the hospital's to say: the bureau's catalogue
 * decides its category and B self-pay ratio, the insurer's what 大病 admits beyond it.
 */
export const claimItemSchema = z
  .strictObject({
    code: itemCode,
    amount,
    quantity: quantity.optional(),
    unitPrice: unitPrice.optional(),
  })
  .superRefine((item, ctx) => {
    if ((item.quantity === undefined) !== (item.unitPrice === undefined)) {
      const missing = item.quantity === undefined ? 'quantity' : 'unitPrice';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'quantity and unitPrice go together: send both or neither' });
    } else if (
      item.quantity !== undefined &&
      item.unitPrice !== undefined &&
      !sameAmount(times(item.quantity, item.unitPrice), item.amount)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message: `must equal quantity × unitPrice (${item.quantity} × ${item.unitPrice} = ${times(item.quantity, item.unitPrice)})`,
      });
    }
  });

/** The hospital a claim comes from: its id in the bureau's registry (定点医疗机构), which gives its level and region. */
export const claimHospitalSchema = z.strictObject({ id: identifier });

/** A claim as a hospital submits it (DOMAIN.md "A claim"), version 2: hospital by id, items by catalogue code. */
export const claimSchema = z
  .strictObject({
    claimId: identifier,
    personId: identifier,
    region: regionCode,
    hospital: claimHospitalSchema,
    visitType,
    admissionDate: isoDate.optional(),
    serviceDate: isoDate,
    diagnosis: z
      .array(icd10, { error: required('must be a list of ICD-10 codes') })
      .min(1, 'must list at least one diagnosis')
      .max(20, 'must list at most 20 diagnoses'),
    items: z
      .array(claimItemSchema, { error: required('must be a list of items') })
      .min(1, 'must list at least one item')
      .max(2000, 'must list at most 2000 items'),
  })
  .superRefine((claim, ctx) => {
    if (claim.visitType === 'INPATIENT' && claim.admissionDate === undefined) {
      ctx.addIssue({ code: 'custom', path: ['admissionDate'], message: 'is required for an INPATIENT claim' });
    }
    if (claim.admissionDate !== undefined && claim.serviceDate < claim.admissionDate) {
      ctx.addIssue({
        code: 'custom',
        path: ['serviceDate'],
        message: `discharge (${claim.serviceDate}) is before admission (${claim.admissionDate})`,
      });
    }
  });
export type ClaimDto = z.infer<typeof claimSchema>;
export type ClaimItemDto = z.infer<typeof claimItemSchema>;

/**
 * What a hospital may no longer say about its own claim, and who says it instead: a request
 * that sends one of these is refused (400) with the message, never half-read.
 */
export const REGISTRY_DECIDED_FIELDS: Readonly<Record<string, string>> = {
  category: "is the bureau's catalogue's to decide (PUT /catalogue/{region}/{year}), not the hospital's",
  selfPayRatio: "is the bureau's catalogue's to decide (PUT /catalogue/{region}/{year}), not the hospital's",
  ciEligible: "is the insurer's 大病 catalogue's to decide (PUT /catalogue/{region}/{year} on critical-illness), not the hospital's",
  level: "comes from the bureau's hospital registry (PUT /hospitals/{hospitalId}), not from the claim",
  inRegion: "comes from the bureau's hospital registry (the hospital's region against the claim's), not from the claim",
};

/**
 * Version 1 of a claim (read only: claim events recorded before the catalogue), when the
 * hospital declared its items' categories. Frozen as released.
 */
export const claimSchemaV1 = z.strictObject({
  claimId: identifier,
  personId: identifier,
  region: regionCode,
  hospital: z.strictObject({ id: identifier, level: hospitalLevel, inRegion: z.boolean({ error: required('must be true or false') }) }),
  visitType,
  admissionDate: isoDate.optional(),
  serviceDate: isoDate,
  diagnosis: z
    .array(icd10, { error: required('must be a list of ICD-10 codes') })
    .min(1, 'must list at least one diagnosis')
    .max(20, 'must list at most 20 diagnoses'),
  items: z
    .array(
      z.strictObject({
        code: itemCode,
        category: itemCategory,
        amount,
        selfPayRatio: rate.optional(),
        ciEligible: z.boolean({ error: required('must be true or false') }).optional(),
      }),
      { error: required('must be a list of items') },
    )
    .min(1, 'must list at least one item')
    .max(2000, 'must list at most 2000 items'),
});
export type ClaimDtoV1 = z.infer<typeof claimSchemaV1>;

/** A v1 claim in today's form: the hospital by id and the items by code and amount (what the hospital declared beyond that is not carried). */
export function claimV1toV2(claim: ClaimDtoV1): ClaimDto {
  return {
    ...claim,
    hospital: { id: claim.hospital.id },
    items: claim.items.map((i) => ({ code: i.code, amount: i.amount })),
  };
}

export const reversalSchema = z.strictObject({
  reason: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(500, 'must be at most 500 characters').optional(),
});
export type ReversalDto = z.infer<typeof reversalSchema>;
