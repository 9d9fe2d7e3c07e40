import type { ClaimDto } from '@msb/contracts';
import { Decimal, money, ZERO } from '@msb/money';
import type { BasicCatalogue, Claim, CriticalIllnessCatalogue, HospitalRecord } from './domain.types';

/**
 * A claim as the rules read it: each item classified by the bureau's catalogue of the
 * region-year in force (an unlisted code is 丙类, NOT_IN_CATALOGUE), the hospital's level by
 * the registry, and in-region when the hospital's region is the claim's (参保地).
 */
export function resolveClaim(dto: ClaimDto, version: number, catalogue: BasicCatalogue, hospital: HospitalRecord): Claim {
  return {
    claimId: dto.claimId,
    version,
    personId: dto.personId,
    region: dto.region,
    hospital: { id: dto.hospital.id, level: hospital.level, inRegion: hospital.region === dto.region },
    visitType: dto.visitType,
    admissionDate: dto.admissionDate,
    serviceDate: dto.serviceDate,
    diagnosis: [...dto.diagnosis],
    items: dto.items.map((i) => {
      const entry = catalogue.get(i.code);
      return entry === undefined
        ? { code: i.code, category: 'C' as const, amount: money(i.amount), inCatalogue: false }
        : { code: i.code, category: entry.category, amount: money(i.amount), selfPayRatio: entry.selfPayRatio, inCatalogue: true };
    }),
  };
}

/** ciExtra: Σ of a claim's items outside basic scope whose codes 大病's catalogue admits (seed 001's 20,000). */
export function admittedByCriticalIllness(items: readonly { code: string; amount: Decimal }[], covered: CriticalIllnessCatalogue): Decimal {
  let extra = ZERO;
  for (const i of items) if (covered.has(i.code)) extra = extra.plus(i.amount);
  return extra;
}
