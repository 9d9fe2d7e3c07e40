import type { MigrationInterface } from 'typeorm';
import { EventingTables1732400000000 } from './1732400000000-eventing-tables';
import { EventsNoTruncate1732400000010 } from './1732400000010-events-no-truncate';
import { OutboxTraceContext1732400000015 } from './1732400000015-outbox-trace-context';
import { OutboxSetAside1732400000020 } from './1732400000020-outbox-set-aside';
import { DeadLetterRedrive1732400000030 } from './1732400000030-dead-letter-redrive';

/** The eventing tables' migrations, in order (their grants: EVENTING_GRANTS). */
export const EVENTING_MIGRATIONS: (new () => MigrationInterface)[] = [
  EventingTables1732400000000,
  EventsNoTruncate1732400000010,
  OutboxTraceContext1732400000015,
  OutboxSetAside1732400000020,
  DeadLetterRedrive1732400000030,
];
