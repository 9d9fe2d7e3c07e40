import { Database } from '@msb/eventing';
import { scratchDatabase, serviceDatabaseEnv } from '@msb/testing';
import pino from 'pino';
import type { Caller } from '../auth/principal';
import { AccessLog1732400000080 } from '../migrations/1732400000080-access-log';
import { ACCESS_LOG_GRANT } from '../migrations/payer.grants';
import { decodeCursor } from '../page.cursor';
import { accessLogKey, accessLogPage, recordAccesses } from './access-log.store';

/** The access log read a page at a time on real Postgres: in recording order (by id, as a number), each entry once. */
describe('the access log, a page at a time', () => {
  let db: Database;
  let drop: () => Promise<void>;
  const caller: Caller = { issuer: 'urn:test', subject: 'auditor-1', roles: ['auditor'], role: 'auditor', expiresAt: 0 };

  beforeAll(async () => {
    const scratch = await scratchDatabase('msb_access_log_pages');
    drop = scratch.drop;
    const roles = serviceDatabaseEnv('audit', scratch.name);
    db = new Database({
      url: roles.DATABASE_URL,
      poolSize: 2,
      migrations: [AccessLog1732400000080],
      logger: pino({ level: 'silent' }),
      applicationName: 'access-log-pages',
      migration: { url: roles.DATABASE_MIGRATION_URL, grants: [ACCESS_LOG_GRANT] },
    });
    await db.open();
    // 12 reads of P-1 (ids 1 to 12 among others: past 9, where text order and number order part), one of P-2 between them
    const read = (n: number, personId = 'P-1') => ({ action: 'GET /claims/:claimId', resource: `claim:C-${n}`, personId });
    await recordAccesses(
      db,
      caller,
      [1, 2, 3, 4, 5].map((n) => read(n)),
    );
    await recordAccesses(db, caller, [read(0, 'P-2')]);
    await recordAccesses(
      db,
      caller,
      [6, 7, 8, 9, 10, 11, 12].map((n) => read(n)),
    );
  }, 60_000);

  afterAll(async () => {
    await db?.close();
    await drop?.();
  });

  it('given pages of 5, then every read of the person once, oldest first, and no cursor after the last', async () => {
    const seen: string[] = [];
    const cursors: (string | null)[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 5; pages++) {
      const page = await accessLogPage(db, 'P-1', { limit: 5, after });
      seen.push(...page.items.map((e) => e.resource));
      cursors.push(page.nextCursor);
      if (!page.nextCursor) break;
      after = decodeCursor(page.nextCursor, accessLogKey);
    }
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => `claim:C-${i + 1}`));
    expect(cursors.map((c) => c === null)).toEqual([false, false, true]);
  });

  it('given one page of everything, then the same entries as the pages', async () => {
    const whole = await accessLogPage(db, 'P-1', { limit: 500, after: undefined });
    expect(whole.nextCursor).toBeNull();
    expect(whole.items.map((e) => e.resource)).toEqual(Array.from({ length: 12 }, (_, i) => `claim:C-${i + 1}`));
    expect(whole.items[0]).toEqual({
      at: expect.any(String),
      issuer: 'urn:test',
      subject: 'auditor-1',
      role: 'auditor',
      action: 'GET /claims/:claimId',
      resource: 'claim:C-1',
      correlationId: null,
    });
  });
});
