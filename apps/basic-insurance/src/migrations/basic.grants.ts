import {
  CATALOGUES_GRANT,
  PAYMENTS_GRANT,
  PERSON_YEARS_GRANT,
  POLICIES_GRANT,
  RECALCULATION_BATCHES_GRANT,
  RECALCULATIONS_GRANT,
} from '@msb/platform';
import { appendOnly, TableGrant } from '@msb/eventing';

/** What basic-insurance's runtime role does to its own tables (besides the eventing tables). */
export const BASIC_GRANTS: readonly TableGrant[] = [
  RECALCULATIONS_GRANT,
  RECALCULATION_BATCHES_GRANT,
  POLICIES_GRANT,
  CATALOGUES_GRANT,
  // the hospital registry (定点医疗机构): a revision per change, never edited
  appendOnly('hospital_revisions'),
  PERSON_YEARS_GRANT,
  PAYMENTS_GRANT,
  // the slip's claims: the basic side upserts a claim's latest version, the downstream side its 大病 and assistance amounts
  {
    table: 'claims',
    privileges: ['SELECT', 'INSERT'],
    update: [
      'version',
      'status',
      'service_date',
      'visit_type',
      'hospital_id',
      'total',
      'policy_scope',
      'basic',
      'critical_illness',
      'assistance',
      'latest_hash',
      'basic_figures',
      'updated_at',
      // once, when the slip first shows SETTLED (settled-claims.projection.ts)
      'settled_at',
    ],
  },
  // every adjustment of every payer, in the order recorded
  appendOnly('adjustments'),
  // the revisions the slip shows (一站式结算单): basic's on its decisions, 大病's and assistance's as they arrive
  {
    table: 'slip_person_years',
    privileges: ['SELECT', 'INSERT'],
    update: [
      'basic_revision',
      'ci_revision',
      'ci_basic_revision',
      'tilted',
      'assistance_revision',
      'assistance_basic_revision',
      'assistance_ci_revision',
      'assistance_category',
    ],
  },
  // decisions that arrived after a gap, until the missing revision arrives (then applied and removed)
  { table: 'slip_held_decisions', privileges: ['SELECT', 'INSERT', 'DELETE'] },
  // the 大病 fund's year-end settlements, a row per revision as booked (the fund report reads the latest)
  appendOnly('ci_fund_settlements'),
];
