import { appendOnly, TableGrant } from '../database.grants';

/** What a service's runtime role does to the eventing tables (EventingTables1732400000000). */
export const EVENTING_GRANTS: readonly TableGrant[] = [
  // the event store is append-only (只增不改): appendToStreams, readStream, readAll
  appendOnly('events'),
  // enqueue inserts, the relay reads and deletes what it published
  { table: 'outbox', privileges: ['SELECT', 'INSERT', 'DELETE'] },
  // claimInbox: INSERT … ON CONFLICT DO NOTHING RETURNING message_id
  appendOnly('inbox'),
  // the consumer runner records a poison message; /status counts them
  appendOnly('dead_letters'),
];
