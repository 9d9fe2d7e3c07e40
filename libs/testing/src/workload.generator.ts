import type { AssistancePolicyDto, BasicPolicyDto, Category, ClaimDto, CriticalIllnessPolicyDto, GrantRequestDto } from '@msb/contracts';

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

export interface Workload {
  regions: string[];
  year: number;
  claims: ClaimDto[];
  grants: GrantRequestDto[];
  people: string[];
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

/**
 * A population of insured people and their claims for a year: mostly small outpatient visits,
 * some chronic-disease outpatient care, and inpatient stays whose bills follow a heavy tail
 * (a few cross the 大病 threshold). A share of people hold an assistance grant.
 */
export function generateWorkload(o: WorkloadOptions): Workload {
  const random = rng(o.seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const people = Array.from({ length: o.people }, (_, i) => `${o.tag}-P${String(i + 1).padStart(5, '0')}`);
  const home = new Map(people.map((p) => [p, pick(o.regions)]));
  const grants: GrantRequestDto[] = people
    .filter(() => random() < (o.eligibleShare ?? 0.12))
    .map((personId, i) => ({ grantId: `${o.tag}-G${i + 1}`, personId, category: pick(CATEGORIES), validFrom: `${o.year}-01-01` }));
  const claims: ClaimDto[] = [];
  for (let i = 0; i < o.claims; i++) {
    const personId = pick(people);
    const kind = random();
    const visitType = kind < 0.55 ? 'OUTPATIENT' : kind < 0.75 ? 'OUTPATIENT_CHRONIC' : 'INPATIENT';
    const level = pick([1, 2, 3] as const);
    const discharge = Math.floor(random() * 360);
    const stay = visitType === 'INPATIENT' ? 1 + Math.floor(random() * 20) : 0;
    const base =
      visitType === 'OUTPATIENT'
        ? 80 + random() * 400
        : visitType === 'OUTPATIENT_CHRONIC'
          ? 300 + random() * 2500
          : 3000 + Math.pow(random(), 3) * 180000;
    const items: ClaimDto['items'] = [{ code: 'A-DRUGS', category: 'A', amount: cents(base * 0.6) }];
    items.push({
      code: 'B-TREATMENT',
      category: 'B',
      amount: cents(base * 0.3),
      ...(random() < 0.3 ? { selfPayRatio: pick(['0.05', '0.15', '0.20']) } : {}),
    });
    items.push({
      code: 'C-OTHER',
      category: 'C',
      amount: cents(base * 0.1),
      ...(visitType === 'INPATIENT' && random() < 0.4 ? { ciEligible: true } : {}),
    });
    claims.push({
      claimId: `${o.tag}-C${String(i + 1).padStart(6, '0')}`,
      personId,
      region: home.get(personId)!,
      hospital: { id: `H${level}${Math.floor(random() * 9)}`, level, inRegion: random() > 0.1 },
      visitType,
      ...(visitType === 'INPATIENT' ? { admissionDate: date(o.year, Math.max(0, discharge - stay)) } : {}),
      serviceDate: date(o.year, discharge),
      diagnosis: [pick(DIAGNOSES)],
      items,
    });
  }
  return { regions: o.regions, year: o.year, claims, grants, people };
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
