import { appendOnly, TableGrant } from '@msb/eventing';

/** What audit's runtime role does to its own tables (besides the eventing tables). */
export const AUDIT_GRANTS: readonly TableGrant[] = [
  // the audit log is append-only like the event store (only its head moves)
  appendOnly('audit_log'),
  appendOnly('audit_claims'),
  // each chain's head: created at length 0, locked FOR UPDATE and moved on with every batch
  { table: 'chain_heads', privileges: ['SELECT', 'INSERT'], update: ['length', 'hash'] },
  // signed checkpoints and the Merkle tree's nodes, each written once; the unsigned checkpoints before them only read
  appendOnly('checkpoints'),
  appendOnly('merkle_nodes'),
  { table: 'checkpoints_v1', privileges: ['SELECT'] },
];
