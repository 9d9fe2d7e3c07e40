import type { EobInput } from './explanation-of-benefit.mapper';

/**
 * Claims as the ExplanationOfBenefit sees them, for the mapper's tests. Each keeps
 * conservation: total = basic + criticalIllness + assistance + selfPay, and policyScope = Σ inScope.
 */

/** Seed 001's 100,000 stay, with assistance after 大病: all three payers pay (已结算). */
export const inpatientSettled: EobInput = {
  claimId: 'C-2024-0001',
  personId: 'P-1001',
  region: '440300',
  year: 2024,
  version: 2,
  status: 'SETTLED',
  hospital: { id: 'H-440300-001', name: '深圳市人民医院' },
  visitType: 'INPATIENT',
  admissionDate: '2024-03-01',
  serviceDate: '2024-03-15',
  diagnosis: ['I21.9', 'E11.9'],
  created: '2024-03-15T08:30:00.000Z',
  items: [
    { code: 'XB01AC', amount: '50000.00', category: 'A', inScope: '50000.00' },
    // 乙类 with a 20% self-paid share: 37,500 × 0.8 in scope
    { code: 'ZC0015', amount: '37500.00', quantity: '3', unitPrice: '12500.00', category: 'B', inScope: '30000.00' },
    { code: 'HZ9001', amount: '12500.00', category: 'C', inScope: '0.00' },
  ],
  figures: {
    total: '100000.00',
    policyScope: '80000.00',
    basic: '56000.00',
    criticalIllness: '22000.00',
    assistance: '15400.00',
    selfPay: '6600.00',
  },
  caps: {
    basic: { annualCap: '150000.00', used: '56000.00' },
    criticalIllness: { annualCap: '300000.00', used: '22000.00' },
    assistance: { annualCap: '100000.00', used: '15400.00' },
  },
};

/** A visit that basic has decided and 大病 and assistance not yet (待结算), one item outside the catalogue. */
export const outpatientPending: EobInput = {
  claimId: 'C-2024-0002',
  personId: 'P-1002',
  region: '440300',
  year: 2024,
  version: 1,
  status: 'PENDING',
  hospital: { id: 'H-440300-007' },
  visitType: 'OUTPATIENT',
  serviceDate: '2024-05-20',
  diagnosis: ['J18.9'],
  created: '2024-05-20T02:15:07.123Z',
  items: [
    { code: 'XJ01CA', amount: '320.00', quantity: '2', unitPrice: '160.00', category: 'A', inScope: '320.00' },
    { code: 'ZD0301', amount: '400.50', category: 'B', inScope: '360.45' },
    // not in the bureau's catalogue: paid as 丙类, nothing in scope
    { code: 'LOCAL-778', amount: '140.00', quantity: '0.5', unitPrice: '280.00', category: null, inScope: '0.00' },
  ],
  figures: {
    total: '860.50',
    policyScope: '680.45',
    basic: '290.23',
    criticalIllness: '0.00',
    assistance: '0.00',
    selfPay: '570.27',
  },
  caps: {
    basic: { annualCap: '150000.00', used: '1290.23' },
    criticalIllness: { annualCap: '300000.00', used: '0.00' },
    assistance: { annualCap: '100000.00', used: '0.00' },
  },
};

/** A reversed stay (冲销): every payer 0, the whole amount the patient's. */
export const inpatientReversed: EobInput = {
  ...inpatientSettled,
  claimId: 'C-2024-0003',
  version: 3,
  status: 'REVERSED',
  created: '2024-04-02T10:00:00.000Z',
  figures: { ...inpatientSettled.figures, basic: '0.00', criticalIllness: '0.00', assistance: '0.00', selfPay: '100000.00' },
  caps: {
    basic: { annualCap: '150000.00', used: '0.00' },
    criticalIllness: { annualCap: '300000.00', used: '0.00' },
    assistance: { annualCap: '100000.00', used: '0.00' },
  },
};

/**
 * A chronic-disease visit (门诊慢特病) of a 特困 person under 倾斜: no 大病 cap (tilt.noCap) and
 * no assistance cap. Its claim id holds '_', which a FHIR id may not.
 */
export const chronicNoAssistanceCap: EobInput = {
  claimId: 'c_2024_0004',
  personId: 'P-1004',
  region: '610100',
  year: 2024,
  version: 1,
  status: 'SETTLED',
  hospital: { id: 'H-610100-002', name: '西安市第一医院' },
  visitType: 'OUTPATIENT_CHRONIC',
  serviceDate: '2024-08-09',
  diagnosis: ['N18.5'],
  created: '2024-08-09T06:00:00.000Z',
  items: [{ code: 'TD0101', amount: '12000.00', quantity: '12', unitPrice: '1000.00', category: 'A', inScope: '12000.00' }],
  figures: {
    total: '12000.00',
    policyScope: '12000.00',
    basic: '7800.00',
    criticalIllness: '1260.00',
    assistance: '2940.00',
    selfPay: '0.00',
  },
  caps: {
    basic: { annualCap: '150000.00', used: '31800.00' },
    criticalIllness: { used: '5260.00' },
    assistance: { used: '2940.00' },
  },
};

export const EXAMPLES = { inpatientSettled, outpatientPending, inpatientReversed, chronicNoAssistanceCap };
