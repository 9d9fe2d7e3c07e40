import type { ClaimDto } from '@msb/contracts';
import { resolveClaim } from './catalogue.rules';
import { yearOf } from './claim-figures.rules';
import { lastDayBefore } from './grants.rules';
import { settlePersonYear, SettledPersonYear } from './person-year.rules';
import type {
  AssistancePolicy,
  BasicCatalogue,
  BasicPolicy,
  Claim,
  CriticalIllnessCatalogue,
  CriticalIllnessPolicy,
  Grant,
  HospitalRecord,
  IsoDate,
  PersonYearKey,
} from './domain.types';

/**
 * The facts the rules are a function of, as one pure fold: policy sections, claim
 * versions and reversals, grants and revocations. Audit replays recorded events into it;
 * tests fold scenario steps into it. Arrival order does not matter to the result.
 */
export type Fact =
  | {
      type: 'PolicyPut';
      region: string;
      year: number;
      basic?: BasicPolicy;
      criticalIllness?: CriticalIllnessPolicy;
      assistance?: AssistancePolicy;
    }
  | { type: 'CataloguePut'; region: string; year: number; basic?: BasicCatalogue; criticalIllness?: CriticalIllnessCatalogue }
  | { type: 'HospitalPut'; hospitalId: string; hospital: HospitalRecord }
  | { type: 'ClaimSubmitted'; claim: ClaimDto; version: number }
  | { type: 'ClaimCorrected'; claim: ClaimDto; version: number }
  | { type: 'ClaimReversed'; claimId: string }
  | { type: 'EligibilityGranted'; grant: Grant }
  // without effectiveFrom the grant is void from its start; with it, it ends the day before (资格终止)
  | { type: 'EligibilityRevoked'; grantId: string; effectiveFrom?: IsoDate };

export interface RegionYearPolicySet {
  basic?: BasicPolicy;
  criticalIllness?: CriticalIllnessPolicy;
  assistance?: AssistancePolicy;
  /** The latest catalogues of the region-year: the bureau's and 大病's. */
  catalogue?: BasicCatalogue;
  criticalIllnessCatalogue?: CriticalIllnessCatalogue;
}

export interface FactBook {
  policies: Map<string, RegionYearPolicySet>;
  /** Each claim's latest version as the hospital sent it: classified when the book is settled, by the catalogue in force then. */
  claims: Map<string, { latest: ClaimDto; version: number; reversed: boolean }>;
  grants: Map<string, Grant>;
  hospitals: Map<string, HospitalRecord>;
}

export const emptyFactBook = (): FactBook => ({ policies: new Map(), claims: new Map(), grants: new Map(), hospitals: new Map() });

export const regionYearKey = (region: string, year: number): string => `${region}|${year}`;
export const personYearKey = (k: PersonYearKey): string => `${k.region}|${k.personId}|${k.year}`;
export const personYearOf = (claim: Pick<ClaimDto, 'region' | 'personId' | 'serviceDate'>): PersonYearKey => ({
  region: claim.region,
  personId: claim.personId,
  year: yearOf(claim.serviceDate),
});

/** Apply one fact (mutates and returns the book: folding thousands of facts stays cheap). */
export function applyFact(book: FactBook, fact: Fact): FactBook {
  switch (fact.type) {
    case 'PolicyPut': {
      const key = regionYearKey(fact.region, fact.year);
      const current = book.policies.get(key) ?? {};
      book.policies.set(key, {
        ...current,
        basic: fact.basic ?? current.basic,
        criticalIllness: fact.criticalIllness ?? current.criticalIllness,
        assistance: fact.assistance ?? current.assistance,
      });
      return book;
    }
    case 'CataloguePut': {
      const key = regionYearKey(fact.region, fact.year);
      const current = book.policies.get(key) ?? {};
      book.policies.set(key, {
        ...current,
        catalogue: fact.basic ?? current.catalogue,
        criticalIllnessCatalogue: fact.criticalIllness ?? current.criticalIllnessCatalogue,
      });
      return book;
    }
    case 'HospitalPut':
      book.hospitals.set(fact.hospitalId, fact.hospital);
      return book;
    case 'ClaimSubmitted':
    case 'ClaimCorrected': {
      const existing = book.claims.get(fact.claim.claimId);
      if (existing === undefined || existing.version < fact.version) {
        book.claims.set(fact.claim.claimId, { latest: fact.claim, version: fact.version, reversed: existing?.reversed ?? false });
      }
      return book;
    }
    case 'ClaimReversed': {
      const existing = book.claims.get(fact.claimId);
      if (existing) existing.reversed = true;
      return book;
    }
    case 'EligibilityGranted':
      book.grants.set(fact.grant.grantId, { ...fact.grant, revoked: book.grants.get(fact.grant.grantId)?.revoked ?? false });
      return book;
    case 'EligibilityRevoked': {
      const grant = book.grants.get(fact.grantId);
      if (grant && fact.effectiveFrom !== undefined)
        book.grants.set(fact.grantId, { ...grant, validTo: lastDayBefore(grant, fact.effectiveFrom) });
      else if (grant) book.grants.set(fact.grantId, { ...grant, revoked: true });
      return book;
    }
    default: {
      const unknown: never = fact;
      throw new Error(`unknown fact type ${String((unknown as { type?: unknown }).type)}`); // the type only: its data may hold a claim (never into an error, hence a log)
    }
  }
}

export interface PersonYearOutcome {
  key: PersonYearKey;
  settled: SettledPersonYear;
  reversed: string[];
}

/**
 * Every person-year the book knows, settled with its region-year's policies and catalogues
 * and the hospital registry as they stand: a person-year missing one of them (or a claim's
 * hospital) is not settled.
 */
export function settleBook(book: FactBook): Map<string, PersonYearOutcome> {
  const byPersonYear = new Map<string, { key: PersonYearKey; live: { claim: ClaimDto; version: number }[]; reversed: string[] }>();
  for (const { latest, version, reversed } of book.claims.values()) {
    const key = personYearOf(latest);
    const id = personYearKey(key);
    let entry = byPersonYear.get(id);
    if (!entry) byPersonYear.set(id, (entry = { key, live: [], reversed: [] }));
    if (reversed) entry.reversed.push(latest.claimId);
    else entry.live.push({ claim: latest, version });
  }
  const grantsByPerson = new Map<string, Grant[]>();
  for (const grant of book.grants.values()) {
    const list = grantsByPerson.get(grant.personId) ?? [];
    list.push(grant);
    grantsByPerson.set(grant.personId, list);
  }
  const outcomes = new Map<string, PersonYearOutcome>();
  for (const [id, { key, live, reversed }] of byPersonYear) {
    const policies = book.policies.get(regionYearKey(key.region, key.year));
    if (!policies?.basic || !policies.criticalIllness || !policies.assistance || !policies.catalogue) continue;
    const { catalogue } = policies;
    const resolved: Claim[] = [];
    for (const { claim, version } of live) {
      const hospital = book.hospitals.get(claim.hospital.id);
      if (hospital) resolved.push(resolveClaim(claim, version, catalogue, hospital));
    }
    if (resolved.length < live.length) continue;
    const settled = settlePersonYear(
      {
        basic: policies.basic,
        criticalIllness: policies.criticalIllness,
        assistance: policies.assistance,
        criticalIllnessCatalogue: policies.criticalIllnessCatalogue ?? new Set(),
      },
      resolved,
      grantsByPerson.get(key.personId) ?? [],
    );
    outcomes.set(id, { key, settled, reversed });
  }
  return outcomes;
}
