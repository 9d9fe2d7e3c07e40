import { appendOnly, TableGrant } from '@msb/eventing';

/** What audit's runtime role does to its own tables (besides the eventing tables). */
export const AUDIT_GRANTS: readonly TableGrant[] = [
  // the audit log is append-only like the event store (only its head moves)
  appendOnly('audit_log'),
  appendOnly('audit_claims'),
  // each chain's head: created at length 0, locked FOR UPDATE and moved on with every batch
  { table: 'chain_heads', privileges: ['SELECT', 'INSERT'], update: ['length', 'hash'] },
  appendOnly('checkpoints'),
];
