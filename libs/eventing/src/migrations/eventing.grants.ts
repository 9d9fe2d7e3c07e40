import { appendOnly, TableGrant } from '../database.grants';

/** What a service's runtime role does to the eventing tables (EventingTables1732400000000 and after). */
export const EVENTING_GRANTS: readonly TableGrant[] = [
  // the event store is append-only (只增不改): appendToStreams, readStream, readAll
  appendOnly('events'),
  // enqueue inserts, the relay reads and deletes what it published (and moves what it sets aside)
  { table: 'outbox', privileges: ['SELECT', 'INSERT', 'DELETE'] },
  // the relay sets aside a row it can never publish; /status counts them
  appendOnly('outbox_set_aside'),
  // claimInbox: INSERT … ON CONFLICT DO NOTHING RETURNING message_id; a dead letter's re-drive
  // releases the claim its dead-lettering made, in the transaction that applies it
  { table: 'inbox', privileges: ['SELECT', 'INSERT', 'DELETE'] },
  // the consumer runner records a poison message; /status counts them; a re-drive records its outcome
  {
    table: 'dead_letters',
    privileges: ['SELECT', 'INSERT'],
    update: ['status', 'retries', 'last_retry_at', 'last_retry_reason', 'last_retry_detail', 'resolved_at'],
  },
];
