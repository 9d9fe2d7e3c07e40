import { EventEmitter } from 'node:events';
import pino from 'pino';
import type { ServiceRuntime } from '@msb/platform';
import { SLIP_SETTLED_CHANNEL } from './settled-claims.projection';
import { goalVerdict, SlipGoal, SlipSettledWaiter } from './slip-settled.waiter';
import type { SlipView } from './slip.view';

/** A claim's row as the waiter reads it: its person-year stream, version, LIVE or REVERSED, and whether its person-year is settled. */
interface Row {
  claim_id: string;
  stream_id: string;
  version: number;
  status: 'LIVE' | 'REVERSED';
  settled: boolean;
}

/** A listening connection that notifications can be sent on, and that can be lost. */
class FakeClient extends EventEmitter {
  ended = false;
  listened: string[] = [];
  async query(sql: string): Promise<void> {
    this.listened.push(sql);
  }
  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.emit('end');
  }
  notify(payload: string): void {
    this.emit('notification', { processId: 1, channel: SLIP_SETTLED_CHANNEL, payload });
  }
}

/** The database as far as the waiter sees it: the claims' rows, the reads made, connections (that may fail). */
class FakeDatabase {
  rows = new Map<string, Row>();
  reads = 0;
  down = false;
  clients: FakeClient[] = [];
  async query(_sql: string, params: unknown[]): Promise<Row[]> {
    this.reads += 1;
    if (this.down) throw new Error('connect ECONNREFUSED');
    const ids = params[0] as string[];
    return ids.flatMap((id) => (this.rows.has(id) ? [{ ...this.rows.get(id)! }] : []));
  }
  async dedicatedClient(): Promise<FakeClient> {
    if (this.down) throw new Error('connect ECONNREFUSED');
    const client = new FakeClient();
    this.clients.push(client);
    return client;
  }
  get listener(): FakeClient | undefined {
    return this.clients.filter((c) => !c.ended).at(-1);
  }
}

const settle = (db: FakeDatabase, claimId: string, patch: Partial<Row>) => db.rows.set(claimId, { ...db.rows.get(claimId)!, ...patch });
const flush = () => new Promise((r) => setImmediate(r));

describe('the slip-settled waiter', () => {
  let db: FakeDatabase;
  let runtime: { log: pino.Logger; isStopping: boolean; db: FakeDatabase };
  let waiter: SlipSettledWaiter;
  const goal = (claimId: string, status: SlipGoal['status'] = 'SETTLED', version = 1): SlipGoal => ({ claimId, status, version });

  beforeEach(async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    db = new FakeDatabase();
    runtime = { log: pino({ level: 'silent' }), isStopping: false, db };
    waiter = new SlipSettledWaiter(runtime as unknown as ServiceRuntime, {} as SlipView);
    waiter.onApplicationBootstrap();
    await flush();
    db.rows.set('C-1', { claim_id: 'C-1', stream_id: 'S-1', version: 1, status: 'LIVE', settled: false });
    db.rows.set('C-2', { claim_id: 'C-2', stream_id: 'S-2', version: 1, status: 'LIVE', settled: false });
  });

  afterEach(async () => {
    await waiter.onApplicationShutdown();
    jest.useRealTimers();
  });

  it('listens on one dedicated connection', () => {
    expect(waiter.listening).toBe(true);
    expect(db.clients).toHaveLength(1);
    expect(db.clients[0].listened).toEqual([`LISTEN ${SLIP_SETTLED_CHANNEL}`]);
  });

  it('answers as soon as a notification names the claim’s person-year and the slip shows SETTLED', async () => {
    const wait = waiter.until(goal('C-1'), 10_000);
    await flush(); // the first read: still PENDING, and now the stream is known
    settle(db, 'C-1', { settled: true });
    db.listener!.notify('S-9 S-1');
    await expect(wait).resolves.toBe(true);
    expect(waiter.waiting).toBe(0);
    expect(jest.getTimerCount()).toBe(0); // no timer left behind
  });

  it('reads nothing for a notification about other person-years', async () => {
    void waiter.until(goal('C-1'), 10_000);
    await flush();
    const reads = db.reads;
    db.listener!.notify('S-2 S-3');
    await flush();
    expect(db.reads).toBe(reads);
  });

  it('reads every waiting claim in one query, however many wait', async () => {
    const waits = [waiter.until(goal('C-1'), 10_000), waiter.until(goal('C-2'), 10_000), waiter.until(goal('C-1'), 10_000)];
    await flush();
    expect(db.reads).toBe(1);
    settle(db, 'C-1', { settled: true });
    settle(db, 'C-2', { settled: true });
    db.listener!.notify('S-1 S-2');
    await expect(Promise.all(waits)).resolves.toEqual([true, true, true]);
    expect(db.reads).toBe(2);
  });

  it('finds a settlement no notification announced on the coarse re-check', async () => {
    const wait = waiter.until(goal('C-1'), 10_000);
    await flush();
    settle(db, 'C-1', { settled: true });
    await jest.advanceTimersByTimeAsync(250);
    await expect(wait).resolves.toBe(true);
  });

  it('answers false when the time is up, leaving no waiter and no timer', async () => {
    const wait = waiter.until(goal('C-1'), 1000);
    await jest.advanceTimersByTimeAsync(1000);
    await expect(wait).resolves.toBe(false);
    expect(waiter.waiting).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('waits for the version written: SETTLED at an older version does not count', async () => {
    settle(db, 'C-1', { settled: true, version: 1 });
    const wait = waiter.until(goal('C-1', 'SETTLED', 2), 10_000);
    await jest.advanceTimersByTimeAsync(500);
    expect(waiter.waiting).toBe(1);
    settle(db, 'C-1', { settled: true, version: 2 });
    db.listener!.notify('S-1');
    await expect(wait).resolves.toBe(true);
  });

  it('waits for a reversal to show REVERSED; gives up on SETTLED once the claim is reversed', async () => {
    const reversal = waiter.until(goal('C-1', 'REVERSED'), 10_000);
    const settlement = waiter.until(goal('C-1', 'SETTLED'), 10_000);
    await flush();
    settle(db, 'C-1', { settled: true, status: 'REVERSED' });
    db.listener!.notify('S-1');
    await expect(reversal).resolves.toBe(true);
    await expect(settlement).resolves.toBe(false);
  });

  it('reconnects a lost listening connection and re-reads every waiting claim', async () => {
    const wait = waiter.until(goal('C-1'), 10_000);
    await flush();
    const reads = db.reads;
    db.listener!.emit('error', new Error('Connection terminated unexpectedly'));
    expect(waiter.listening).toBe(false);
    settle(db, 'C-1', { settled: true }); // announced while no one listened
    await jest.advanceTimersByTimeAsync(250);
    expect(waiter.listening).toBe(true);
    expect(db.clients).toHaveLength(2);
    await expect(wait).resolves.toBe(true);
    expect(db.reads).toBeGreaterThan(reads);
  });

  it('starts without the database and listens once it is back', async () => {
    await waiter.onApplicationShutdown();
    db.down = true;
    waiter = new SlipSettledWaiter(runtime as unknown as ServiceRuntime, {} as SlipView);
    waiter.onApplicationBootstrap();
    await flush();
    expect(waiter.listening).toBe(false);
    await jest.advanceTimersByTimeAsync(2000);
    expect(waiter.listening).toBe(false);
    db.down = false;
    await jest.advanceTimersByTimeAsync(5000);
    expect(waiter.listening).toBe(true);
  });

  it('lets every waiting request answer when the service stops, and closes the connection at shutdown', async () => {
    const wait = waiter.until(goal('C-1'), 30_000);
    await flush();
    runtime.isStopping = true;
    await jest.advanceTimersByTimeAsync(250);
    await expect(wait).resolves.toBe(false);
    await expect(waiter.until(goal('C-2'), 30_000)).resolves.toBe(false);
    const client = db.listener!;
    await waiter.onApplicationShutdown();
    expect(client.ended).toBe(true);
    expect(waiter.listening).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('the verdict on a goal', () => {
  const submitted: SlipGoal = { claimId: 'C-1', status: 'SETTLED', version: 2 };
  const reversed: SlipGoal = { claimId: 'C-1', status: 'REVERSED', version: 2 };

  it('SETTLED at the version written or a later one', () => {
    expect(goalVerdict({ status: 'SETTLED', version: 2 }, submitted)).toBe(true);
    expect(goalVerdict({ status: 'SETTLED', version: 3 }, submitted)).toBe(true);
    expect(goalVerdict({ status: 'SETTLED', version: 1 }, submitted)).toBeUndefined();
    expect(goalVerdict({ status: 'PENDING', version: 2 }, submitted)).toBeUndefined();
    expect(goalVerdict({ status: 'REVERSED', version: 2 }, submitted)).toBe(false);
  });

  it('REVERSED once the reversal has gone through', () => {
    expect(goalVerdict({ status: 'REVERSED', version: 2 }, reversed)).toBe(true);
    expect(goalVerdict({ status: 'PENDING', version: 2 }, reversed)).toBeUndefined();
    expect(goalVerdict({ status: 'SETTLED', version: 2 }, reversed)).toBeUndefined();
  });
});
