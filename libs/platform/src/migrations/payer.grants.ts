import { appendOnly, TableGrant } from '@msb/eventing';

/** recalculations (Recalculations1732400000050): a job is queued, then moves through its states with its progress. */
export const RECALCULATIONS_GRANT: TableGrant = {
  table: 'recalculations',
  privileges: ['SELECT', 'INSERT'],
  update: ['status', 'cursor', 'total', 'processed', 'changed', 'started_at', 'finished_at'],
};

/** recalculation_batches (RecalculationBatches1732400000090): each batch of a recalculation, recorded once, never edited. */
export const RECALCULATION_BATCHES_GRANT: TableGrant = appendOnly('recalculation_batches');

/** policies (PayerTables1732400000060): every revision is a new row, never edited. */
export const POLICIES_GRANT: TableGrant = appendOnly('policies');

/** catalogues (Catalogues1732400000095): a revision is added, never edited. */
export const CATALOGUES_GRANT: TableGrant = appendOnly('catalogues');

/** person_years (PayerTables1732400000060, PersonYearHeld1732400000500): the snapshot store locks rows FOR UPDATE and writes a snapshot's new version. */
export const PERSON_YEARS_GRANT: TableGrant = {
  table: 'person_years',
  privileges: ['SELECT', 'INSERT'],
  update: ['version', 'revision', 'parked', 'held', 'state', 'updated_at'],
};

/** payments (PaymentRecord1732400000070): the record of every settlement and adjustment, appended. */
export const PAYMENTS_GRANT: TableGrant = appendOnly('payments');

/**
 * persons (each payer's own migration; EligibilityStore): a newer eligibility revision replaces
 * the older one, rows held FOR SHARE; assistance keeps its grants, 大病 only the windows.
 */
export const eligibilityGrant = (held: 'grants' | 'windows'): TableGrant => ({
  table: 'persons',
  privileges: ['SELECT', 'INSERT'],
  update: ['eligibility_revision', held],
});

/** access_log (AccessLog1732400000080, every service): who read which personal data, appended, never edited. */
export const ACCESS_LOG_GRANT: TableGrant = appendOnly('access_log');
