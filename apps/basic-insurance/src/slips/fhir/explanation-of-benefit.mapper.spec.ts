import fc from 'fast-check';
import { money, sum } from '@msb/money';
import { chronicNoAssistanceCap, inpatientReversed, inpatientSettled, outpatientPending } from './explanation-of-benefit.examples';
import { explanationOfBenefit, FHIR_SYSTEMS } from './explanation-of-benefit.mapper';

interface Coding {
  system: string;
  code: string;
  display?: string;
}
interface Money {
  value: number;
  currency: string;
}
interface Adjudication {
  category: { coding: Coding[] };
  reason?: { coding: Coding[] };
  amount?: Money;
}
interface Eob {
  resourceType: string;
  id?: string;
  status: string;
  type: { coding: Coding[] };
  use: string;
  outcome: string;
  patient: { identifier: { system: string; value: string } };
  provider: { identifier: { system: string; value: string }; display?: string };
  contained: { resourceType: string; id: string; order: number; status: string; payor: unknown[]; beneficiary: unknown }[];
  insurance: { focal: boolean; coverage: { reference: string } }[];
  diagnosis?: { sequence: number; diagnosisCodeableConcept: { coding: Coding[] } }[];
  item?: {
    sequence: number;
    productOrService: { coding: Coding[] };
    quantity?: { value: number };
    unitPrice?: Money;
    net?: Money;
    adjudication: Adjudication[];
  }[];
  total: { category: { coding: Coding[] }; amount: Money }[];
  payment: { amount: Money };
  benefitBalance: { name: string; financial: { allowedMoney?: Money; usedMoney?: Money }[] }[];
}

const eob = (input: Parameters<typeof explanationOfBenefit>[0]) => explanationOfBenefit(input) as unknown as Eob;

/** The amount of a total by its category code, as the decimal the JSON number stands for. */
function totalOf(e: Eob, system: string, code: string) {
  const t = e.total.find((x) => x.category.coding.some((c) => c.system === system && c.code === code));
  if (!t) throw new Error(`no total ${system}#${code}`);
  expect(t.amount.currency).toBe('CNY');
  return money(String(t.amount.value));
}

describe('explanationOfBenefit', () => {
  it('lists the three coverages in the order they pay: basic focal, then 大病, then assistance', () => {
    const e = eob(inpatientSettled);
    expect(e.insurance).toEqual([
      { focal: true, coverage: { reference: '#cov-basic' } },
      { focal: false, coverage: { reference: '#cov-critical-illness' } },
      { focal: false, coverage: { reference: '#cov-assistance' } },
    ]);
    expect(e.contained.map((c) => [c.resourceType, c.id, c.order, c.status])).toEqual([
      ['Coverage', 'cov-basic', 1, 'active'],
      ['Coverage', 'cov-critical-illness', 2, 'active'],
      ['Coverage', 'cov-assistance', 3, 'active'],
    ]);
    for (const c of e.contained) {
      expect(c.beneficiary).toEqual(e.patient);
      expect(c.payor).toHaveLength(1);
    }
  });

  it('is a claim of the person, from the hospital, settled by basic', () => {
    const e = eob(inpatientSettled);
    expect(e.resourceType).toBe('ExplanationOfBenefit');
    expect(e.id).toBe('C-2024-0001');
    expect(e.use).toBe('claim');
    expect(e.status).toBe('active');
    expect(e.outcome).toBe('complete');
    expect(e.type.coding).toEqual([{ system: FHIR_SYSTEMS.claimType, code: 'institutional' }]);
    expect(e.patient.identifier).toEqual({ system: 'urn:msb:person:440300', value: 'P-1001' });
    expect(e.provider).toMatchObject({ identifier: { system: FHIR_SYSTEMS.hospital, value: 'H-440300-001' }, display: '深圳市人民医院' });
    expect(e.diagnosis?.map((d) => d.diagnosisCodeableConcept.coding[0])).toEqual([
      { system: 'http://hl7.org/fhir/sid/icd-10', code: 'I21.9' },
      { system: 'http://hl7.org/fhir/sid/icd-10', code: 'E11.9' },
    ]);
    expect(e.payment.amount).toEqual({ value: 56000, currency: 'CNY' });
  });

  it.each([inpatientSettled, outpatientPending, inpatientReversed, chronicNoAssistanceCap])(
    'totals add up: basic + 大病 + assistance + patient = submitted ($claimId)',
    (input) => {
      const e = eob(input);
      const own = FHIR_SYSTEMS.msbAdjudication;
      const submitted = totalOf(e, FHIR_SYSTEMS.adjudication, 'submitted');
      const payers = ['basic', 'critical-illness', 'assistance'].map((code) => totalOf(e, own, code));
      expect(sum([...payers, totalOf(e, own, 'patient-pay')]).equals(submitted)).toBe(true);
      expect(totalOf(e, FHIR_SYSTEMS.adjudication, 'benefit').equals(sum(payers))).toBe(true);
      expect(submitted.equals(money(input.figures.total))).toBe(true);
      expect(totalOf(e, FHIR_SYSTEMS.adjudication, 'eligible').equals(money(input.figures.policyScope))).toBe(true);
      expect(payers.map((p) => p.toFixed(2))).toEqual([input.figures.basic, input.figures.criticalIllness, input.figures.assistance]);
    },
  );

  it('gives an item outside the catalogue the reason NOT_IN_CATALOGUE, and no other item a reason', () => {
    const e = eob(outpatientPending);
    expect(e.outcome).toBe('partial');
    expect(e.type.coding[0].code).toBe('professional');
    const reasons = e.item!.map((item) => item.adjudication.flatMap((a) => a.reason?.coding ?? []));
    expect(reasons).toEqual([[], [], [{ system: FHIR_SYSTEMS.msbAdjudicationReason, code: 'NOT_IN_CATALOGUE', display: '目录外项目' }]]);
    const outside = e.item![2];
    expect(outside.productOrService.coding).toEqual([{ system: FHIR_SYSTEMS.msbCatalogue, code: 'LOCAL-778' }]);
    expect(outside.adjudication.map((a) => [a.category.coding[0].code, a.amount?.value])).toEqual([
      ['submitted', 140],
      ['eligible', 0],
    ]);
  });

  it('numbers items and carries quantity, unit price and net only where the claim has them', () => {
    const e = eob(outpatientPending);
    expect(e.item!.map((i) => i.sequence)).toEqual([1, 2, 3]);
    expect(e.item![0]).toMatchObject({ quantity: { value: 2 }, unitPrice: { value: 160, currency: 'CNY' }, net: { value: 320 } });
    expect(e.item![1]).not.toHaveProperty('quantity');
    expect(e.item![1]).not.toHaveProperty('unitPrice');
    expect(e.item![1].adjudication.map((a) => a.amount?.value)).toEqual([400.5, 360.45]);
    expect(e.item![2].quantity).toEqual({ value: 0.5 });
  });

  it('cancels a reversed claim', () => {
    const e = eob(inpatientReversed);
    expect(e.status).toBe('cancelled');
    expect(e.payment.amount.value).toBe(0);
  });

  it('shows each annual cap as allowed and what was used this year, and no allowed amount without a cap', () => {
    expect(eob(inpatientSettled).benefitBalance.map((b) => [b.name, b.financial[0]])).toEqual([
      [
        '基本医疗保险',
        { type: expect.anything(), allowedMoney: { value: 150000, currency: 'CNY' }, usedMoney: { value: 56000, currency: 'CNY' } },
      ],
      [
        '城乡居民大病保险',
        { type: expect.anything(), allowedMoney: { value: 300000, currency: 'CNY' }, usedMoney: { value: 22000, currency: 'CNY' } },
      ],
      [
        '医疗救助',
        { type: expect.anything(), allowedMoney: { value: 100000, currency: 'CNY' }, usedMoney: { value: 15400, currency: 'CNY' } },
      ],
    ]);
    const uncapped = eob(chronicNoAssistanceCap).benefitBalance;
    expect(uncapped[0].financial[0].allowedMoney).toEqual({ value: 150000, currency: 'CNY' });
    expect(uncapped[1].financial[0]).not.toHaveProperty('allowedMoney');
    expect(uncapped[2].financial[0]).not.toHaveProperty('allowedMoney');
    expect(uncapped[2].financial[0].usedMoney).toEqual({ value: 2940, currency: 'CNY' });
  });

  it('leaves out the id when the claim id is no FHIR id, and keeps the claim id as the identifier', () => {
    const e = eob(chronicNoAssistanceCap) as unknown as Eob & { identifier: { system: string; value: string }[] };
    expect(e).not.toHaveProperty('id');
    expect(e.identifier[0]).toEqual({ use: 'official', system: FHIR_SYSTEMS.claim, value: 'c_2024_0004' });
  });

  it('prints money as JSON numbers that read back as the two-decimal amount', () => {
    const json = JSON.stringify(
      explanationOfBenefit({ ...outpatientPending, figures: { ...outpatientPending.figures, total: '999999999999.99' } }),
    );
    expect(json).toContain('"value":999999999999.99');
    expect(json).toContain('"value":290.23');
    expect(json).toContain('"value":400.5,');
  });

  it('keeps every amount of up to 12 integer digits exact through JSON', () => {
    const cents = fc.bigInt({ min: 0n, max: 10n ** 14n - 1n });
    fc.assert(
      fc.property(cents, (c) => {
        const amount = `${c / 100n}.${String(c % 100n).padStart(2, '0')}`;
        const e = JSON.parse(
          JSON.stringify(explanationOfBenefit({ ...inpatientSettled, figures: { ...inpatientSettled.figures, basic: amount } })),
        );
        return money(String(e.payment.amount.value)).toFixed(2) === amount;
      }),
    );
  });

  it('is pure: the same input gives the same resource', () => {
    expect(explanationOfBenefit(inpatientSettled)).toEqual(explanationOfBenefit(structuredClone(inpatientSettled)));
  });
});
