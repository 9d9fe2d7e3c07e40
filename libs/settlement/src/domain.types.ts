import type { Band, Decimal } from '@msb/money';

export const VISIT_TYPES = ['INPATIENT', 'OUTPATIENT_CHRONIC', 'OUTPATIENT'] as const;
export type VisitType = (typeof VISIT_TYPES)[number];

/** Assistance categories (救助对象类别), in the usual order of priority. */
export const CATEGORIES = [
  'EXTREME_POVERTY', // 特困人员
  'MINIMUM_LIVING', // 低保对象
  'POVERTY_MONITORED', // 返贫致贫监测对象 / 建档立卡
  'LOW_INCOME', // 低保边缘 / 低收入
  'ILLNESS_POVERTY', // 因病致贫重病患者
] as const;
export type Category = (typeof CATEGORIES)[number];

export const ITEM_CATEGORIES = ['A', 'B', 'C'] as const; // 甲类 / 乙类 / 丙类
export type ItemCategory = (typeof ITEM_CATEGORIES)[number];

export const HOSPITAL_LEVELS = [1, 2, 3] as const;
export type HospitalLevel = (typeof HOSPITAL_LEVELS)[number];

/** A date as YYYY-MM-DD; compared as a string, which orders correctly. */
export type IsoDate = string;

/** A bill item as the catalogue classifies it. */
export interface ClaimItem {
  code: string;
  category: ItemCategory;
  amount: Decimal;
  selfPayRatio?: Decimal;
  /** false: the code is not in the bureau's catalogue, so the item is paid as 丙类 (NOT_IN_CATALOGUE). */
  inCatalogue: boolean;
}

/** One entry of the bureau's catalogue (医保目录). */
export interface CatalogueEntry {
  category: ItemCategory;
  selfPayRatio?: Decimal;
}

/** The bureau's catalogue of a region-year: code → entry. */
export type BasicCatalogue = ReadonlyMap<string, CatalogueEntry>;

/** 大病's catalogue of a region-year: the codes outside basic scope it admits into its base. */
export type CriticalIllnessCatalogue = ReadonlySet<string>;

/** A hospital in the bureau's registry (定点医疗机构). */
export interface HospitalRecord {
  name: string;
  level: HospitalLevel;
  region: string;
  designated: boolean;
}

/** One version of a claim, its items classified by the catalogue and its hospital by the registry. */
export interface Claim {
  claimId: string;
  version: number;
  personId: string;
  region: string;
  hospital: { id: string; level: HospitalLevel; inRegion: boolean };
  visitType: VisitType;
  admissionDate?: IsoDate;
  serviceDate: IsoDate;
  diagnosis: string[];
  items: ClaimItem[];
}

export interface DeductibleAndRate {
  deductible: Decimal; // 起付线
  rate: Decimal; // 报销比例
}

export type LevelTable = Record<HospitalLevel, DeductibleAndRate>;

export interface BasicPolicy {
  annualCap: Decimal; // 年度最高支付限额
  outpatientAnnualCap?: Decimal;
  offRegionRateCut?: Decimal; // 异地就医 rate cut
  repeatAdmissionDeductibleFactor?: Decimal;
  classBSelfPayRatio: Decimal; // 乙类先行自付比例
  inpatient: LevelTable;
  outpatientChronic: LevelTable;
  outpatient: LevelTable;
}

export interface Tilt {
  categories: Category[];
  thresholdFactor: Decimal;
  rateBonus: Decimal;
  noCap: boolean;
}

export interface CriticalIllnessPolicy {
  threshold: Decimal;
  bands: Band[];
  annualCap?: Decimal;
  visitTypes: VisitType[];
  tilt?: Tilt;
}

export interface AssistanceCategoryPolicy {
  threshold: Decimal;
  bands: Band[];
  annualCap?: Decimal;
}

export interface AssistancePolicy {
  priority: Category[];
  visitTypes: VisitType[];
  categories: Partial<Record<Category, AssistanceCategoryPolicy>>;
}

/**
 * A span in which a person holds a category (救助对象类别), validTo open when absent: all that
 * 大病 receives of civil affairs' grants for the tilt (倾斜支付), one per grant in force.
 */
export interface EligibilityWindow {
  category: Category;
  validFrom: IsoDate;
  validTo?: IsoDate;
}

/** An eligibility decision of civil affairs (救助对象认定): a window with its id and person, possibly revoked. */
export interface Grant extends EligibilityWindow {
  grantId: string;
  personId: string;
  revoked: boolean;
}

/**
 * What the rules read eligibility from: assistance's own grants (revoked ones included) or the
 * windows published from them (大病, audit). Both decide alike (grants.rules.spec.ts).
 */
export type EligibilitySpan = EligibilityWindow | Grant;

export interface PersonYearKey {
  region: string;
  personId: string;
  year: number;
}
