import { AUDITED_TOPICS } from '@msb/contracts';
import { main, ServiceDefinition } from '@msb/platform';
import { AuditModule } from './audit.module';
import { AuditLog } from './log/audit-log.consumer';
import { AuditTables1732400000400 } from './migrations/1732400000400-audit-tables';
import { AuditCheckpoints1732400000410 } from './migrations/1732400000410-audit-checkpoints';
import { Checkpointer } from './checkpoints/checkpoint.service';
import { ROUTES } from './routes';

/** audit: every agency's events in one verifiable log, for auditors and fraud review. Port 3004. */
export const auditService: ServiceDefinition = {
  service: 'audit',
  title: 'audit (审计)',
  description: 'An append-only, hash-chained log of every event of every agency; claim histories, verification, replay and flags.',
  port: 3004,
  database: 'msb_audit',
  migrations: [AuditTables1732400000400, AuditCheckpoints1732400000410],
  produces: [],
  consumes: AUDITED_TOPICS,
  routes: ROUTES,
  module: (runtime) => AuditModule.register(runtime),
  start: async (app, runtime) => {
    const log = app.get(AuditLog);
    // the group is named after the audit database: a new, empty database re-reads every topic from the start
    const database = new URL(runtime.config.databaseUrl).pathname.slice(1);
    await runtime.startConsumer({
      group: `audit.${database}`,
      topics: AUDITED_TOPICS,
      handleBatch: (tx, messages) => log.recordBatch(tx, messages),
      fromBeginning: true,
    });
    app.get(Checkpointer).start();
  },
  stop: async (app) => app.get(Checkpointer).stop(),
};

if (require.main === module) main(auditService);
