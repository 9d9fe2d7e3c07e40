import { AUDITED_TOPICS, TOPICS } from '@msb/contracts';
import { main, ServiceDefinition } from '@msb/platform';
import { AuditModule } from './audit.module';
import { AuditLog } from './log/audit-log.consumer';
import { AuditTables1732400000400 } from './migrations/1732400000400-audit-tables';
import { AuditCheckpoints1732400000410 } from './migrations/1732400000410-audit-checkpoints';
import { AuditSignedCheckpoints1732400000420 } from './migrations/1732400000420-audit-signed-checkpoints';
import { AuditLogAppendOnly1732400000430 } from './migrations/1732400000430-audit-log-append-only';
import { AuditPersonYearIndex1732400000440 } from './migrations/1732400000440-audit-person-year-index';
import { AUDIT_GRANTS } from './migrations/audit.grants';
import { Checkpointer } from './checkpoints/checkpoint.service';
import { signerSettings } from './checkpoints/checkpoint.signer';
import { ROUTES } from './routes';

/** Every agency's topic but the log's own checkpoints: recording those would grow the log it checkpoints, forever. */

/** audit: every agency's events in one verifiable log, for auditors and fraud review. Port 3004. */
export const auditService: ServiceDefinition = {
  service: 'audit',
  title: 'audit (审计)',
  description: 'An append-only, hash-chained log of every event of every agency; claim histories, verification, replay and flags.',
  port: 3004,
  database: 'msb_audit',
  migrations: [
    AuditTables1732400000400,
    AuditCheckpoints1732400000410,
    AuditSignedCheckpoints1732400000420,
    AuditLogAppendOnly1732400000430,
    AuditPersonYearIndex1732400000440,
  ],
  grants: AUDIT_GRANTS,
  produces: [TOPICS.auditCheckpoints],
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

if (require.main === module) {
  // no key, no log: refuse before touching the database or the broker, as a bad configuration is
  try {
    signerSettings(process.env, auditService.database);
  } catch (e) {
    process.stderr.write(`audit: ${(e as Error).message}\n`);
    process.exit(2);
  }
  main(auditService);
}
