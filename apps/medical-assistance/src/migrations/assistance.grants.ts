import {
  eligibilityGrant,
  PAYMENTS_GRANT,
  PERSON_YEARS_GRANT,
  POLICIES_GRANT,
  RECALCULATION_BATCHES_GRANT,
  RECALCULATIONS_GRANT,
} from '@msb/platform';
import { appendOnly, TableGrant } from '@msb/eventing';

/** What medical-assistance's runtime role does to its own tables (besides the eventing tables). */
export const ASSISTANCE_GRANTS: readonly TableGrant[] = [
  RECALCULATIONS_GRANT,
  RECALCULATION_BATCHES_GRANT,
  POLICIES_GRANT,
  PERSON_YEARS_GRANT,
  PAYMENTS_GRANT,
  eligibilityGrant('grants'),
  // a grant (救助对象认定) is recorded once; an amendment changes its category or validTo, a revocation marks it
  // revoked (from a date: validTo the day before) with its reason and time; each is the grant's next revision
  {
    table: 'grants',
    privileges: ['SELECT', 'INSERT'],
    update: ['category', 'valid_to', 'revision', 'amended_at', 'revoked', 'revoked_reason', 'revoked_at', 'revoked_from'],
  },
  // every revision of every grant, as it was made
  appendOnly('grant_revisions'),
];
