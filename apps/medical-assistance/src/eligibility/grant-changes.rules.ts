import type { Category } from '@msb/contracts';
import type { FieldProblem } from '@msb/platform';
import { Grant, lastDayBefore } from '@msb/settlement';

/** A grant's terms at one revision: category and validity (validTo open when absent). */
export interface GrantTerms {
  category: Category;
  validFrom: string;
  validTo?: string;
}

/**
 * LIVE: in force as its terms say (it may be amended or revoked); REVOKED: revoked from a date
 * (资格终止), its validTo the day before; VOID: revoked from its start (made in error, or fraud).
 */
export type GrantStatus = 'LIVE' | 'REVOKED' | 'VOID';

/** A grant as civil affairs holds it: its current terms, whether and from when it was revoked. */
export interface GrantState extends GrantTerms {
  grantId: string;
  personId: string;
  revision: number;
  revoked: boolean;
  /** The date a dated revocation took effect; absent on a revoked grant: void from its start. */
  revokedFrom?: string;
}

export function statusOf(grant: Pick<GrantState, 'revoked' | 'revokedFrom'>): GrantStatus {
  if (!grant.revoked) return 'LIVE';
  return grant.revokedFrom === undefined ? 'VOID' : 'REVOKED';
}

/**
 * What the rules decide on (and the windows published from it): a void grant covers nothing; a
 * grant revoked from a date is its shortened validity, in force up to the day before.
 */
export function spanOf(grant: GrantState): Grant {
  return {
    grantId: grant.grantId,
    personId: grant.personId,
    category: grant.category,
    validFrom: grant.validFrom,
    ...(grant.validTo !== undefined ? { validTo: grant.validTo } : {}),
    revoked: statusOf(grant) === 'VOID',
  };
}

/** Only a live grant is revoked or amended; a revoked or void one is final (409). */
export function notLiveReason(grant: GrantState): string | undefined {
  switch (statusOf(grant)) {
    case 'LIVE':
      return undefined;
    case 'REVOKED':
      return `grant ${grant.grantId} is already revoked from ${grant.revokedFrom}`;
    case 'VOID':
      return `grant ${grant.grantId} is already revoked (void from its start)`;
  }
}

/** effectiveFrom lies within or after the grant's validity: on or after its validFrom. */
export function revocationProblems(terms: GrantTerms, effectiveFrom: string | undefined): FieldProblem[] {
  if (effectiveFrom !== undefined && effectiveFrom < terms.validFrom)
    return [{ path: '/effectiveFrom', message: `is before the grant's validFrom (${terms.validFrom})` }];
  return [];
}

/**
 * A revocation's effect on the terms: from a date, validTo becomes effectiveFrom − 1 day (never
 * later than it was); without one the terms stay as they were and the grant is void.
 */
export function revokedTerms(terms: GrantTerms, effectiveFrom: string | undefined): GrantTerms {
  if (effectiveFrom === undefined) return terms;
  return { ...terms, validTo: lastDayBefore(terms, effectiveFrom) };
}

export interface GrantAmendment {
  validTo?: string;
  category?: Category;
}

/** An amended validTo is on or after the grant's validFrom. */
export function amendmentProblems(terms: GrantTerms, validTo: string | undefined): FieldProblem[] {
  if (validTo !== undefined && validTo < terms.validFrom)
    return [{ path: '/validTo', message: `is before the grant's validFrom (${terms.validFrom})` }];
  return [];
}

/** The terms after an amendment; undefined when it changes nothing (a repeated PATCH answers the grant as it is). */
export function amendedTerms(terms: GrantTerms, amendment: GrantAmendment): GrantTerms | undefined {
  const next: GrantTerms = {
    category: amendment.category ?? terms.category,
    validFrom: terms.validFrom,
    ...((amendment.validTo ?? terms.validTo) !== undefined ? { validTo: amendment.validTo ?? terms.validTo } : {}),
  };
  return next.category === terms.category && next.validTo === terms.validTo ? undefined : next;
}

/**
 * How an amendment reaches the payers (assistance.eligibility carries the person's windows
 * whole either way): as a revocation when it ends the grant earlier than before, so that the
 * 追回 of the days it takes away carries ELIGIBILITY_REVOKED; otherwise as a grant of the new terms.
 */
export function amendmentChange(before: GrantTerms, after: GrantTerms): 'ELIGIBILITY_GRANTED' | 'ELIGIBILITY_REVOKED' {
  const endsEarlier = after.validTo !== undefined && (before.validTo === undefined || after.validTo < before.validTo);
  return endsEarlier ? 'ELIGIBILITY_REVOKED' : 'ELIGIBILITY_GRANTED';
}
