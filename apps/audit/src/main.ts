import { ALL_TOPICS, AnyEnvelope, EVENT_TYPES, EventType } from '@msb/contracts';
import type { MessageHandler, MessageHandlers } from '@msb/eventing';
import { main, ServiceDefinition } from '@msb/platform';
import { AuditModule } from './audit.module';
import { AuditLog } from './log/audit-log';
import { AuditTables1732400000400 } from './migrations/1732400000400-audit-tables';
import { ROUTES } from './routes';

/** audit: every agency's events in one verifiable log, for auditors and fraud review. Port 3004. */
export const auditService: ServiceDefinition = {
  service: 'audit',
  title: 'audit (审计)',
  description: 'An append-only, hash-chained log of every event of every agency; claim histories, verification, replay and flags.',
  port: 3004,
  database: 'msb_audit',
  migrations: [AuditTables1732400000400],
  produces: [],
  consumes: ALL_TOPICS,
  routes: ROUTES,
  module: (runtime) => AuditModule.register(runtime),
  start: async (app, runtime) => {
    const log = app.get(AuditLog);
    const record: MessageHandler = (tx, envelope, context) => log.record(tx, envelope as AnyEnvelope, context);
    const handlers = Object.fromEntries((Object.keys(EVENT_TYPES) as EventType[]).map((t) => [t, record])) as MessageHandlers;
    await runtime.startConsumer({ group: 'audit', topics: ALL_TOPICS, handlers, fromBeginning: true });
  },
};

if (require.main === module) main(auditService);
