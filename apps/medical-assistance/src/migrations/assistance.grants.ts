import {
  eligibilityGrant,
  PAYMENTS_GRANT,
  PERSON_YEARS_GRANT,
  POLICIES_GRANT,
  RECALCULATION_BATCHES_GRANT,
  RECALCULATIONS_GRANT,
} from '@msb/platform';
import type { TableGrant } from '@msb/eventing';

/** What medical-assistance's runtime role does to its own tables (besides the eventing tables). */
export const ASSISTANCE_GRANTS: readonly TableGrant[] = [
  RECALCULATIONS_GRANT,
  RECALCULATION_BATCHES_GRANT,
  POLICIES_GRANT,
  PERSON_YEARS_GRANT,
  PAYMENTS_GRANT,
  eligibilityGrant('grants'),
  // a grant (救助对象认定) is recorded once; a revocation marks it revoked, with its reason and time
  { table: 'grants', privileges: ['SELECT', 'INSERT'], update: ['revoked', 'revoked_reason', 'revoked_at'] },
];
