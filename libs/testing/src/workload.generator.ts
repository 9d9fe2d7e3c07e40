import { money, print } from '@msb/money';
import type {
  AssistancePolicyDto,
  BasicCatalogueDto,
  BasicPolicyDto,
  Category,
  ClaimDto,
  CriticalIllnessCatalogueDto,
  CriticalIllnessPolicyDto,
  GrantRequestDto,
  HospitalRecordDto,
  ScenarioStep,
} from '@msb/contracts';

/** A small seeded PRNG (mulberry32): the same seed gives the same workload. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const cents = (value: number) => (Math.round(value * 100) / 100).toFixed(2);

/** Realistic region-year policies (DOMAIN.md: 蚌埠 basic levels, 陕西 2023 大病, 宿迁 2024 救助). */
export function demoPolicies(): { basic: BasicPolicyDto; criticalIllness: CriticalIllnessPolicyDto; assistance: AssistancePolicyDto } {
  return {
    basic: {
      annualCap: '300000',
      outpatientAnnualCap: '600',
      offRegionRateCut: '0.10',
      repeatAdmissionDeductibleFactor: '0.5',
      classBSelfPayRatio: '0.10',
      inpatient: {
        '1': { deductible: '200', rate: '0.85' },
        '2': { deductible: '500', rate: '0.80' },
        '3': { deductible: '800', rate: '0.70' },
      },
      outpatientChronic: {
        '1': { deductible: '0', rate: '0.70' },
        '2': { deductible: '0', rate: '0.65' },
        '3': { deductible: '0', rate: '0.60' },
      },
      outpatient: {
        '1': { deductible: '0', rate: '0.50' },
        '2': { deductible: '0', rate: '0.45' },
        '3': { deductible: '0', rate: '0.40' },
      },
    },
    criticalIllness: {
      threshold: '10000',
      bands: [{ upTo: '40000', rate: '0.60' }, { upTo: '90000', rate: '0.70' }, { rate: '0.80' }],
      annualCap: '300000',
      visitTypes: ['INPATIENT', 'OUTPATIENT_CHRONIC'],
      tilt: {
        categories: ['EXTREME_POVERTY', 'MINIMUM_LIVING', 'POVERTY_MONITORED'],
        thresholdFactor: '0.5',
        rateBonus: '0.05',
        noCap: true,
      },
    },
    assistance: {
      priority: ['EXTREME_POVERTY', 'MINIMUM_LIVING', 'POVERTY_MONITORED', 'LOW_INCOME', 'ILLNESS_POVERTY'],
      categories: {
        EXTREME_POVERTY: { threshold: '0', bands: [{ rate: '1.00' }], annualCap: '100000' },
        MINIMUM_LIVING: { threshold: '0', bands: [{ rate: '0.80' }], annualCap: '100000' },
        POVERTY_MONITORED: { threshold: '1000', bands: [{ rate: '0.70' }], annualCap: '50000' },
        LOW_INCOME: { threshold: '3000', bands: [{ rate: '0.70' }], annualCap: '100000' },
        ILLNESS_POVERTY: { threshold: '5000', bands: [{ upTo: '20000', rate: '0.50' }, { rate: '0.60' }], annualCap: '30000' },
      },
    },
  };
}

const DIAGNOSES = ['C34.9', 'C50.9', 'I21.9', 'I63.9', 'J18.9', 'N18.5', 'E11.9', 'K35.8'];
const CATEGORIES: Category[] = ['EXTREME_POVERTY', 'MINIMUM_LIVING', 'POVERTY_MONITORED', 'LOW_INCOME', 'ILLNESS_POVERTY'];

/**
 * The workload's catalogue codes: 甲类 drugs, 乙类 treatment at the policy's self-pay ratio or at
 * 5 / 15 / 20 %, 丙类 items, and 丙类 negotiated drugs (谈判药) that 大病's catalogue admits.
 * `X-UNLISTED` is in neither catalogue: basic pays it as 丙类.
 */
export const WORKLOAD_CODES = {
  drugs: 'A-DRUGS',
  treatment: 'B-TREATMENT',
  treatmentAt: { '0.05': 'B-TREATMENT-05', '0.15': 'B-TREATMENT-15', '0.20': 'B-TREATMENT-20' },
  other: 'C-OTHER',
  negotiated: 'C-NEGOTIATED',
  unlisted: 'X-UNLISTED',
} as const;

/** The bureau's catalogue every region of a workload uses (医保目录). */
export function workloadCatalogue(): BasicCatalogueDto {
  const c = WORKLOAD_CODES;
  return {
    items: {
      [c.drugs]: { category: 'A' },
      [c.treatment]: { category: 'B' },
      [c.treatmentAt['0.05']]: { category: 'B', selfPayRatio: '0.05' },
      [c.treatmentAt['0.15']]: { category: 'B', selfPayRatio: '0.15' },
      [c.treatmentAt['0.20']]: { category: 'B', selfPayRatio: '0.20' },
      [c.other]: { category: 'C' },
      [c.negotiated]: { category: 'C' },
    },
  };
}

/** 大病's catalogue every region of a workload uses: the negotiated drugs beyond basic scope. */
export function workloadCriticalIllnessCatalogue(): CriticalIllnessCatalogueDto {
  return { covered: [WORKLOAD_CODES.negotiated] };
}

/** A hospital of the workload as the registry holds it (PUT /hospitals/{hospitalId}). */
export interface WorkloadHospital {
  hospitalId: string;
  hospital: HospitalRecordDto;
}

export interface Workload {
  regions: string[];
  year: number;
  claims: ClaimDto[];
  grants: GrantRequestDto[];
  people: string[];
  /** The basic catalogue of each of the regions for the year. */
  catalogue: BasicCatalogueDto;
  /** 大病's catalogue of each of the regions for the year. */
  criticalIllnessCatalogue: CriticalIllnessCatalogueDto;
  /** Every hospital a claim names: in each region, and some registered in a region the workload does not use (off-region, 异地). */
  hospitals: WorkloadHospital[];
}

export interface WorkloadOptions {
  seed: number;
  /** Prefix of every id (so that several runs do not collide). */
  tag: string;
  regions: string[];
  year: number;
  people: number;
  claims: number;
  /** Share of people with an eligibility grant. */
  eligibleShare?: number;
}

function date(year: number, dayOfYear: number): string {
  const d = new Date(Date.UTC(year, 0, 1 + dayOfYear));
  return d.toISOString().slice(0, 10);
}

/** Hospitals of each level per region, and registered off the workload's regions. */
const HOSPITALS_PER_LEVEL = 3;
const OFF_REGION_PER_LEVEL = 2;

/** A region code no region of the workload uses, for the off-region hospitals (2 to 12 letters or digits). */
function offRegion(tag: string, regions: readonly string[]): string {
  const base = `OFF${tag.replace(/[^A-Za-z0-9]/g, '')}`.slice(0, 10);
  for (let n = 0; ; n++) {
    const code = n === 0 ? base : `${base}${n}`.slice(0, 12);
    if (!regions.includes(code)) return code;
  }
}

/** The hospitals of a workload: `${tag}-${region}-H${level}${n}` in each region, `${tag}-OFF-H${level}${n}` off them. */
function workloadHospitals(tag: string, regions: readonly string[]): { home: Map<string, WorkloadHospital[]>; off: WorkloadHospital[] } {
  const record = (hospitalId: string, level: 1 | 2 | 3, region: string): WorkloadHospital => ({
    hospitalId,
    hospital: { name: `Hospital ${hospitalId}`, level, region, designated: true },
  });
  const home = new Map<string, WorkloadHospital[]>();
  for (const region of regions)
    home.set(
      region,
      ([1, 2, 3] as const).flatMap((level) =>
        Array.from({ length: HOSPITALS_PER_LEVEL }, (_, n) => record(`${tag}-${region}-H${level}${n}`, level, region)),
      ),
    );
  const elsewhere = offRegion(tag, regions);
  const off = ([1, 2, 3] as const).flatMap((level) =>
    Array.from({ length: OFF_REGION_PER_LEVEL }, (_, n) => record(`${tag}-OFF-H${level}${n}`, level, elsewhere)),
  );
  return { home, off };
}

/** `amount` as quantity × unit price, exactly: a whole quantity and a unit price in cents. */
function priced(amount: string, quantity: number): { amount: string; quantity: string; unitPrice: string } {
  const unitCents = Math.max(1, Math.round((Number(amount) * 100) / quantity));
  const totalCents = unitCents * quantity;
  const money = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
  return { amount: money(totalCents), quantity: String(quantity), unitPrice: money(unitCents) };
}

/**
 * A population of insured people and their claims for a year: mostly small outpatient visits,
 * some chronic-disease outpatient care, and inpatient stays whose bills follow a heavy tail
 * (a few cross the 大病 threshold). A share of people hold an assistance grant. Claims name
 * their items by the workload's catalogue codes (some with quantity and unit price, a few by
 * a code no catalogue lists) and their hospital by its registry id, about one in ten off the
 * person's region.
 */
export function generateWorkload(o: WorkloadOptions): Workload {
  const random = rng(o.seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const people = Array.from({ length: o.people }, (_, i) => `${o.tag}-P${String(i + 1).padStart(5, '0')}`);
  const home = new Map(people.map((p) => [p, pick(o.regions)]));
  const grants: GrantRequestDto[] = people
    .filter(() => random() < (o.eligibleShare ?? 0.12))
    .map((personId, i) => ({ grantId: `${o.tag}-G${i + 1}`, personId, category: pick(CATEGORIES), validFrom: `${o.year}-01-01` }));
  const hospitals = workloadHospitals(o.tag, o.regions);
  const codes = WORKLOAD_CODES;
  const claims: ClaimDto[] = [];
  for (let i = 0; i < o.claims; i++) {
    const personId = pick(people);
    const region = home.get(personId)!;
    const kind = random();
    const visitType = kind < 0.55 ? 'OUTPATIENT' : kind < 0.75 ? 'OUTPATIENT_CHRONIC' : 'INPATIENT';
    const level = pick([1, 2, 3] as const);
    const inRegion = random() > 0.1;
    const hospital = pick((inRegion ? hospitals.home.get(region)! : hospitals.off).filter((h) => h.hospital.level === level));
    const discharge = Math.floor(random() * 360);
    const stay = visitType === 'INPATIENT' ? 1 + Math.floor(random() * 20) : 0;
    const base =
      visitType === 'OUTPATIENT'
        ? 80 + random() * 400
        : visitType === 'OUTPATIENT_CHRONIC'
          ? 300 + random() * 2500
          : 3000 + Math.pow(random(), 3) * 180000;
    const drugs = cents(base * 0.6);
    const items: ClaimDto['items'] = [
      random() < 0.3 ? { code: codes.drugs, ...priced(drugs, 1 + Math.floor(random() * 6)) } : { code: codes.drugs, amount: drugs },
    ];
    items.push({
      code: random() < 0.3 ? codes.treatmentAt[pick(['0.05', '0.15', '0.20'] as const)] : codes.treatment,
      amount: cents(base * 0.3),
    });
    const outside = random();
    items.push({
      code: visitType === 'INPATIENT' && outside < 0.4 ? codes.negotiated : outside > 0.95 ? codes.unlisted : codes.other,
      amount: cents(base * 0.1),
    });
    claims.push({
      claimId: `${o.tag}-C${String(i + 1).padStart(6, '0')}`,
      personId,
      region,
      hospital: { id: hospital.hospitalId },
      visitType,
      ...(visitType === 'INPATIENT' ? { admissionDate: date(o.year, Math.max(0, discharge - stay)) } : {}),
      serviceDate: date(o.year, discharge),
      diagnosis: [pick(DIAGNOSES)],
      items,
    });
  }
  return {
    regions: o.regions,
    year: o.year,
    claims,
    grants,
    people,
    catalogue: workloadCatalogue(),
    criticalIllnessCatalogue: workloadCriticalIllnessCatalogue(),
    hospitals: [...[...hospitals.home.values()].flat(), ...hospitals.off],
  };
}

/**
 * The steps that make a workload's regions ready for its claims: for each region the year's
 * policy (when `policies` is given) and both catalogues, then every hospital's registry
 * record. Run them before the claims (and record them with the steps, for expectedSlips).
 */
export function workloadSetupSteps(
  workload: Pick<Workload, 'regions' | 'year' | 'catalogue' | 'criticalIllnessCatalogue' | 'hospitals'>,
  policies?: { basic?: BasicPolicyDto; criticalIllness?: CriticalIllnessPolicyDto; assistance?: AssistancePolicyDto },
): ScenarioStep[] {
  const { year } = workload;
  return [
    ...workload.regions.flatMap((region): ScenarioStep[] => [
      ...(policies ? [{ op: 'putPolicy' as const, region, year, ...policies }] : []),
      { op: 'putCatalogue', region, year, basic: workload.catalogue, criticalIllness: workload.criticalIllnessCatalogue },
    ]),
    ...workload.hospitals.map((h): ScenarioStep => ({ op: 'putHospital', hospitalId: h.hospitalId, hospital: h.hospital })),
  ];
}

/** Run `work` over `items` with at most `concurrency` in flight. */
export async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i], i);
      }
    }),
  );
}

/**
 * A correction a hospital might send: the claim's first item billed 10 % lower (rounded to
 * cents), its price breakdown dropped (the lower amount no longer multiplies out).
 */
export function correctedDown(claim: ClaimDto): ClaimDto {
  return {
    ...claim,
    items: claim.items.map((item, k) =>
      k === 0 ? { code: item.code, amount: print(money(item.amount).times('0.9').toDecimalPlaces(2)) } : item,
    ),
  };
}
