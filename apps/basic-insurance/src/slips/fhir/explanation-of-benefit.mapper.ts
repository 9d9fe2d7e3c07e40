import { Decimal, money, print, sum } from '@msb/money';

/** What the FHIR ExplanationOfBenefit of a claim is made from: the slip and the claim behind it. */
export interface EobInput {
  claimId: string;
  personId: string;
  region: string;
  year: number;
  version: number;
  status: 'PENDING' | 'SETTLED' | 'REVERSED';
  hospital: { id: string; name?: string };
  visitType: 'INPATIENT' | 'OUTPATIENT_CHRONIC' | 'OUTPATIENT';
  admissionDate?: string;
  serviceDate: string; // YYYY-MM-DD
  diagnosis: string[]; // ICD-10 codes
  created: string; // ISO time the slip was last decided
  items: {
    code: string;
    amount: string;
    quantity?: string;
    unitPrice?: string;
    category: 'A' | 'B' | 'C' | null; // null: not in the bureau's catalogue (paid as C, reason NOT_IN_CATALOGUE)
    inScope: string; // the item's part in basic's policy scope
  }[];
  figures: { total: string; policyScope: string; basic: string; criticalIllness: string; assistance: string; selfPay: string };
  caps: {
    basic: { annualCap: string; used: string };
    criticalIllness: { annualCap?: string; used: string };
    assistance: { annualCap?: string; used: string };
  };
}

export type FhirResource = Record<string, unknown>;

/** Code systems and identifier systems of HL7 and of our own. */
export const FHIR_SYSTEMS = {
  claimType: 'http://terminology.hl7.org/CodeSystem/claim-type',
  adjudication: 'http://terminology.hl7.org/CodeSystem/adjudication',
  benefitCategory: 'http://terminology.hl7.org/CodeSystem/ex-benefitcategory',
  benefitType: 'http://terminology.hl7.org/CodeSystem/benefit-type',
  benefitUnit: 'http://terminology.hl7.org/CodeSystem/benefit-unit',
  benefitTerm: 'http://terminology.hl7.org/CodeSystem/benefit-term',
  coverageClass: 'http://terminology.hl7.org/CodeSystem/coverage-class',
  diagnosisType: 'http://terminology.hl7.org/CodeSystem/ex-diagnosistype',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  icd10: 'http://hl7.org/fhir/sid/icd-10',
  /** per-payer benefit and the patient's share, beside HL7's submitted / eligible / benefit */
  msbAdjudication: 'urn:msb:adjudication',
  msbAdjudicationReason: 'urn:msb:adjudication-reason',
  /** 医保目录: the bureau's catalogue codes of items */
  msbCatalogue: 'urn:msb:catalogue',
  /** 甲类 / 乙类 / 丙类 */
  msbCatalogueClass: 'urn:msb:catalogue-class',
  msbVisitType: 'urn:msb:visit-type',
  msbCoverageType: 'urn:msb:coverage-type',
  claim: 'urn:msb:claim',
  claimVersion: 'urn:msb:claim-version',
  hospital: 'urn:msb:hospital',
  person: (region: string) => `urn:msb:person:${region}`,
  agency: (region: string) => `urn:msb:agency:${region}`,
} as const;

type Payer = 'basic' | 'criticalIllness' | 'assistance';

/** The three payers in the order they pay (保险在先、救助在后). */
const PAYERS: readonly {
  payer: Payer;
  coverageId: string;
  agency: string;
  agencyDisplay: string;
  coverageCode: string;
  coverageDisplay: string;
  actCode: string;
  actDisplay: string;
}[] = [
  {
    payer: 'basic',
    coverageId: 'cov-basic',
    agency: 'medical-insurance-bureau',
    agencyDisplay: '医保局',
    coverageCode: 'basic',
    coverageDisplay: '基本医疗保险',
    actCode: 'PUBLICPOL',
    actDisplay: 'public healthcare',
  },
  {
    payer: 'criticalIllness',
    coverageId: 'cov-critical-illness',
    agency: 'insurer',
    agencyDisplay: '大病保险承办机构',
    coverageCode: 'critical-illness',
    coverageDisplay: '城乡居民大病保险',
    actCode: 'PUBLICPOL',
    actDisplay: 'public healthcare',
  },
  {
    payer: 'assistance',
    coverageId: 'cov-assistance',
    agency: 'civil-affairs',
    agencyDisplay: '民政局',
    coverageCode: 'assistance',
    coverageDisplay: '医疗救助',
    actCode: 'SUBSIDIZ',
    actDisplay: 'subsidized health program',
  },
];

const PAYER_BENEFIT: Record<Payer, { code: string; display: string }> = {
  basic: { code: 'basic', display: '基本医保支付' },
  criticalIllness: { code: 'critical-illness', display: '大病保险支付' },
  assistance: { code: 'assistance', display: '医疗救助支付' },
};

const VISIT_TYPE: Record<EobInput['visitType'], { claimType: 'institutional' | 'professional'; display: string }> = {
  INPATIENT: { claimType: 'institutional', display: '住院' },
  OUTPATIENT_CHRONIC: { claimType: 'professional', display: '门诊慢特病' },
  OUTPATIENT: { claimType: 'professional', display: '普通门诊' },
};

const CATALOGUE_CLASS: Record<'A' | 'B' | 'C', string> = { A: '甲类', B: '乙类', C: '丙类' };

const STATUS: Record<EobInput['status'], { status: 'active' | 'cancelled'; outcome: 'complete' | 'partial'; disposition: string }> = {
  SETTLED: { status: 'active', outcome: 'complete', disposition: '已结算: 三方均已决定' },
  PENDING: { status: 'active', outcome: 'partial', disposition: '待结算: 尚有支付方未决定' },
  REVERSED: { status: 'cancelled', outcome: 'complete', disposition: '已冲销' },
};

/** FHIR ids are [A-Za-z0-9-.]{1,64}; our identifiers may also hold '_'. */
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * A decimal string as a JSON number, at the edge only. A decimal of at most 15 significant
 * digits survives the trip through an IEEE double exactly: Number(s) is the double nearest to
 * it, and JSON.stringify prints the shortest decimal that reads back as that double, which is
 * s itself with trailing zeros dropped ("1234.50" → 1234.5). Amounts have at most 12 integer
 * digits and 2 decimals (AMOUNT_PATTERN), so what a client parses is the amount exactly.
 */
function jsonNumber(decimal: string): number {
  if (money(decimal).precision(true) > 15) throw new RangeError(`${decimal} has more than 15 significant digits for a JSON number`);
  return Number(decimal);
}

/** FHIR Money in 元: a Decimal up to the printed two-decimal string, a number only in the JSON. */
function cny(amount: string | Decimal): { value: number; currency: 'CNY' } {
  return { value: jsonNumber(print(money(amount))), currency: 'CNY' };
}

function coding(system: string, code: string, display?: string): { coding: Record<string, string>[] } {
  return { coding: [display === undefined ? { system, code } : { system, code, display }] };
}

/**
 * The FHIR R4 ExplanationOfBenefit (理赔说明) of one claim's one-stop settlement: the basic
 * bureau is the insurer and pays `payment`; 大病 and assistance follow as further coverages,
 * each payer's part in `total`, each payer's annual cap in `benefitBalance`. A pure function.
 */
export function explanationOfBenefit(input: EobInput): FhirResource {
  const { region, year } = input;
  const patient = {
    type: 'Patient',
    identifier: { system: FHIR_SYSTEMS.person(region), value: input.personId },
  };
  const agency = (p: (typeof PAYERS)[number]) => ({
    type: 'Organization',
    identifier: { system: FHIR_SYSTEMS.agency(region), value: p.agency },
    display: `${p.agencyDisplay} (${p.coverageDisplay})`,
  });
  const visit = VISIT_TYPE[input.visitType];
  const status = STATUS[input.status];
  const f = input.figures;

  const coverages = PAYERS.map((p, i) => ({
    resourceType: 'Coverage',
    id: p.coverageId,
    status: 'active',
    type: {
      coding: [
        { system: FHIR_SYSTEMS.msbCoverageType, code: p.coverageCode, display: p.coverageDisplay },
        { system: FHIR_SYSTEMS.actCode, code: p.actCode, display: p.actDisplay },
      ],
    },
    beneficiary: patient,
    // the policy year of the region (参保地政策) the claim is settled under
    period: { start: `${year}-01-01`, end: `${year}-12-31` },
    payor: [agency(p)],
    class: [
      {
        type: coding(FHIR_SYSTEMS.coverageClass, 'plan'),
        value: `${region}-${year}`,
        name: `${region} ${year} 年度${p.coverageDisplay}政策`,
      },
    ],
    // 保险在先、救助在后: basic first, then 大病, then assistance
    order: i + 1,
  }));

  const items = input.items.map((item, i) => {
    const notInCatalogue = item.category === null;
    const category = item.category ?? 'C'; // outside the catalogue is paid as 丙类
    const eligible: Record<string, unknown> = {
      category: coding(FHIR_SYSTEMS.adjudication, 'eligible'),
      amount: cny(item.inScope),
    };
    if (notInCatalogue) eligible.reason = coding(FHIR_SYSTEMS.msbAdjudicationReason, 'NOT_IN_CATALOGUE', '目录外项目');
    return {
      sequence: i + 1,
      category: coding(FHIR_SYSTEMS.msbCatalogueClass, category, CATALOGUE_CLASS[category]),
      productOrService: coding(FHIR_SYSTEMS.msbCatalogue, item.code),
      ...(item.quantity !== undefined && { quantity: { value: jsonNumber(money(item.quantity).toString()) } }),
      ...(item.unitPrice !== undefined && { unitPrice: cny(item.unitPrice) }),
      net: cny(item.amount),
      adjudication: [{ category: coding(FHIR_SYSTEMS.adjudication, 'submitted'), amount: cny(item.amount) }, eligible],
    };
  });

  const paid = sum([money(f.basic), money(f.criticalIllness), money(f.assistance)]);
  const total = [
    { category: coding(FHIR_SYSTEMS.adjudication, 'submitted', 'Submitted Amount'), amount: cny(f.total) },
    { category: coding(FHIR_SYSTEMS.adjudication, 'eligible', 'Eligible Amount'), amount: cny(f.policyScope) },
    // all three payers together; each payer's own part follows
    { category: coding(FHIR_SYSTEMS.adjudication, 'benefit', 'Benefit Amount'), amount: cny(paid) },
    ...PAYERS.map((p) => ({
      category: coding(FHIR_SYSTEMS.msbAdjudication, PAYER_BENEFIT[p.payer].code, PAYER_BENEFIT[p.payer].display),
      amount: cny(f[p.payer]),
    })),
    // 个人自付: total = basic + 大病 + assistance + selfPay
    { category: coding(FHIR_SYSTEMS.msbAdjudication, 'patient-pay', '个人自付'), amount: cny(f.selfPay) },
  ];

  const benefitBalance = PAYERS.map((p) => {
    const cap: { annualCap?: string; used: string } = input.caps[p.payer];
    return {
      category: coding(FHIR_SYSTEMS.benefitCategory, '30', 'Health Benefit Plan Coverage'),
      name: p.coverageDisplay,
      description: cap.annualCap === undefined ? '无年度最高支付限额' : '年度最高支付限额 (封顶线)',
      unit: coding(FHIR_SYSTEMS.benefitUnit, 'individual'),
      term: coding(FHIR_SYSTEMS.benefitTerm, 'annual'),
      // allowed = the annual cap, used = paid this year; what is left is allowed − used
      financial: [
        {
          type: coding(FHIR_SYSTEMS.benefitType, 'benefit'),
          ...(cap.annualCap !== undefined && { allowedMoney: cny(cap.annualCap) }),
          usedMoney: cny(cap.used),
        },
      ],
    };
  });

  return {
    resourceType: 'ExplanationOfBenefit',
    ...(FHIR_ID.test(input.claimId) && { id: input.claimId }),
    contained: coverages,
    identifier: [
      { use: 'official', system: FHIR_SYSTEMS.claim, value: input.claimId },
      // corrections raise the version (PUT /claims/{claimId})
      { use: 'secondary', system: FHIR_SYSTEMS.claimVersion, value: `${input.claimId}/${input.version}` },
    ],
    status: status.status,
    type: coding(FHIR_SYSTEMS.claimType, visit.claimType),
    subType: coding(FHIR_SYSTEMS.msbVisitType, input.visitType, visit.display),
    use: 'claim',
    patient,
    billablePeriod: { start: input.admissionDate ?? input.serviceDate, end: input.serviceDate },
    created: input.created,
    insurer: agency(PAYERS[0]),
    provider: {
      type: 'Organization',
      identifier: { system: FHIR_SYSTEMS.hospital, value: input.hospital.id },
      ...(input.hospital.name !== undefined && { display: input.hospital.name }),
    },
    claim: { type: 'Claim', identifier: { system: FHIR_SYSTEMS.claim, value: input.claimId } },
    outcome: status.outcome,
    disposition: status.disposition,
    // FHIR JSON has no empty arrays: a claim without diagnoses or items leaves the element out
    ...(input.diagnosis.length > 0 && {
      diagnosis: input.diagnosis.map((code, i) => ({
        sequence: i + 1,
        diagnosisCodeableConcept: coding(FHIR_SYSTEMS.icd10, code),
        ...(i === 0 && { type: [coding(FHIR_SYSTEMS.diagnosisType, 'principal')] }),
      })),
    }),
    // basic is the focal coverage; 大病 and assistance pay after it
    insurance: PAYERS.map((p, i) => ({ focal: i === 0, coverage: { reference: `#${p.coverageId}` } })),
    ...(items.length > 0 && { item: items }),
    total,
    payment: { amount: cny(f.basic) },
    benefitBalance,
  };
}
