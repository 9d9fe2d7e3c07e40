import {
  CATALOGUES_GRANT,
  eligibilityGrant,
  PAYMENTS_GRANT,
  PERSON_YEARS_GRANT,
  POLICIES_GRANT,
  RECALCULATION_BATCHES_GRANT,
  RECALCULATIONS_GRANT,
} from '@msb/platform';
import { appendOnly, TableGrant } from '@msb/eventing';

/** What critical-illness's runtime role does to its own tables (besides the eventing tables). */
export const CRITICAL_ILLNESS_GRANTS: readonly TableGrant[] = [
  RECALCULATIONS_GRANT,
  RECALCULATION_BATCHES_GRANT,
  POLICIES_GRANT,
  CATALOGUES_GRANT,
  PERSON_YEARS_GRANT,
  PAYMENTS_GRANT,
  // the grants it tilts on (倾斜), as assistance last published them
  eligibilityGrant('windows'),
  // the fund account (单独核算): a contract revision and a year-end settlement are added, never edited
  appendOnly('fund_contracts'),
  appendOnly('fund_settlements'),
];
