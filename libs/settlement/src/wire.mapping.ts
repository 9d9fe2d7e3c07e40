import type {
  AssistancePolicyDto,
  BasicCatalogueDto,
  BasicPolicyDto,
  CriticalIllnessCatalogueDto,
  CriticalIllnessPolicyDto,
  FundContractDto,
  GrantDto,
  HospitalRecordDto,
} from '@msb/contracts';
import { Band, money } from '@msb/money';
import {
  AssistanceCategoryPolicy,
  AssistancePolicy,
  BasicCatalogue,
  BasicPolicy,
  CatalogueEntry,
  Category,
  CriticalIllnessCatalogue,
  CriticalIllnessPolicy,
  HospitalRecord,
  Grant,
  LevelTable,
  VISIT_TYPES,
} from './domain.types';
import type { FundContract } from './fund.rules';

/** From the wire (validated strings) to the domain (Decimal). */

export function basicCatalogueFromWire(dto: BasicCatalogueDto): BasicCatalogue {
  const entries = new Map<string, CatalogueEntry>();
  for (const [code, e] of Object.entries(dto.items))
    entries.set(
      code,
      e.selfPayRatio === undefined ? { category: e.category } : { category: e.category, selfPayRatio: money(e.selfPayRatio) },
    );
  return entries;
}

export function criticalIllnessCatalogueFromWire(dto: CriticalIllnessCatalogueDto): CriticalIllnessCatalogue {
  return new Set(dto.covered);
}

export function hospitalFromWire(dto: HospitalRecordDto): HospitalRecord {
  return { name: dto.name, level: dto.level, region: dto.region, designated: dto.designated };
}

function levels(t: BasicPolicyDto['inpatient']): LevelTable {
  const row = (r: { deductible: string; rate: string }) => ({ deductible: money(r.deductible), rate: money(r.rate) });
  return { 1: row(t['1']), 2: row(t['2']), 3: row(t['3']) };
}

const optional = (v: string | undefined) => (v === undefined ? undefined : money(v));

export function basicPolicyFromWire(dto: BasicPolicyDto): BasicPolicy {
  return {
    annualCap: money(dto.annualCap),
    outpatientAnnualCap: optional(dto.outpatientAnnualCap),
    offRegionRateCut: optional(dto.offRegionRateCut),
    repeatAdmissionDeductibleFactor: optional(dto.repeatAdmissionDeductibleFactor),
    classBSelfPayRatio: money(dto.classBSelfPayRatio),
    inpatient: levels(dto.inpatient),
    outpatientChronic: levels(dto.outpatientChronic),
    outpatient: levels(dto.outpatient),
  };
}

function bands(list: { upTo?: string; rate: string }[]): Band[] {
  return list.map((b) => (b.upTo === undefined ? { rate: money(b.rate) } : { upTo: money(b.upTo), rate: money(b.rate) }));
}

export function criticalIllnessPolicyFromWire(dto: CriticalIllnessPolicyDto): CriticalIllnessPolicy {
  return {
    threshold: money(dto.threshold),
    bands: bands(dto.bands),
    annualCap: optional(dto.annualCap),
    visitTypes: dto.visitTypes ?? ['INPATIENT', 'OUTPATIENT_CHRONIC'],
    tilt:
      dto.tilt === undefined
        ? undefined
        : {
            categories: dto.tilt.categories,
            thresholdFactor: money(dto.tilt.thresholdFactor),
            rateBonus: money(dto.tilt.rateBonus),
            noCap: dto.tilt.noCap,
          },
  };
}

export function assistancePolicyFromWire(dto: AssistancePolicyDto): AssistancePolicy {
  const categories: Partial<Record<Category, AssistanceCategoryPolicy>> = {};
  for (const [name, terms] of Object.entries(dto.categories)) {
    if (terms)
      categories[name as Category] = { threshold: money(terms.threshold), bands: bands(terms.bands), annualCap: optional(terms.annualCap) };
  }
  return { priority: dto.priority, visitTypes: dto.visitTypes ?? [...VISIT_TYPES], categories };
}

export function grantFromWire(dto: Pick<GrantDto, 'grantId' | 'personId' | 'category' | 'validFrom' | 'validTo' | 'revoked'>): Grant {
  return {
    grantId: dto.grantId,
    personId: dto.personId,
    category: dto.category,
    validFrom: dto.validFrom,
    validTo: dto.validTo,
    revoked: dto.revoked,
  };
}

/** A 大病 contract (大病保险合同) from the wire. */
export function fundContractFromWire(dto: FundContractDto): FundContract {
  return {
    insured: dto.insured,
    perCapitaBasicFunding: money(dto.perCapitaBasicFunding),
    fundingRate: money(dto.fundingRate),
    operatingCostRate: money(dto.operatingCostRate),
    profitCapRate: money(dto.profitCapRate),
    policyLossShareOfBasic: money(dto.policyLossShareOfBasic),
  };
}
