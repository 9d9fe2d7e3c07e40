import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Client, Notification } from 'pg';
import type { Logger } from 'pino';
import { Caller, RUNTIME, ServiceRuntime } from '@msb/platform';
import { SLIP_SETTLED_CHANNEL } from './settled-claims.projection';
import { PERSON_YEAR_SETTLED_SQL, Slip, SlipStatus, SlipView } from './slip.view';

/** What a request waits for: the claim's slip SETTLED at `version` or later (a submission, a correction), or REVERSED. */
export interface SlipGoal {
  claimId: string;
  status: 'SETTLED' | 'REVERSED';
  version: number;
}

/** Whether a slip (its status and version) shows what the goal asks. */
export function showsGoal(slip: { status: SlipStatus; version: number }, goal: SlipGoal): boolean {
  return goal.status === 'SETTLED' ? slip.status === 'SETTLED' && slip.version >= goal.version : slip.status === 'REVERSED';
}

/**
 * The verdict on a goal from the slip as a check read it: reached, never (a reversed claim is
 * never SETTLED again), or undefined while it may still be reached.
 */
export function goalVerdict(slip: { status: SlipStatus; version: number }, goal: SlipGoal): boolean | undefined {
  if (showsGoal(slip, goal)) return true;
  if (goal.status === 'SETTLED' && slip.status === 'REVERSED') return false;
  return undefined;
}

interface Waiter {
  goal: SlipGoal;
  /** The claim's person-year stream, once a check has read it: notifications name streams. */
  streamId?: string;
  settle: (reached: boolean) => void;
}

interface StatusRow {
  claim_id: string;
  stream_id: string;
  version: number;
  status: 'LIVE' | 'REVERSED';
  settled: boolean;
}

/** The fallback re-check of every waiting claim, in one query, in case a notification is missed. */
const RECHECK_MS = 250;
/** Delays between attempts to (re)open the listening connection. */
const RECONNECT_MS = [250, 500, 1000, 2000, 5000];

/**
 * One waiter per process for the requests that asked to wait (Prefer: wait) for their claim's
 * slip. A single dedicated connection LISTENs on SLIP_SETTLED_CHANNEL, on which the downstream
 * projection announces, at commit, the person-years whose slips it settled (every replica's
 * listener hears every replica's commits: they share the database); a notification naming a
 * waiting claim's person-year re-reads those claims' statuses, in one query. Besides, while any
 * request waits, every RECHECK_MS one query re-reads all waiting claims (a notification missed
 * while the connection was down, or a settlement no notification announced). Nothing of a wait
 * outlives its answer: its timer is cleared and the re-check stops when no one waits. The
 * connection is reopened whenever it is lost, without holding up the service's start, and
 * closed at shutdown; a service that is stopping lets every waiting request answer at once.
 */
@Injectable()
export class SlipSettledWaiter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly waiters = new Map<string, Set<Waiter>>();
  /** The claims the next check reads; every waiting claim when `dueAll`. */
  private readonly due = new Set<string>();
  private dueAll = false;
  private checking = false;
  private checkFailing = false;
  private ticker?: NodeJS.Timeout;
  private checkSoon?: NodeJS.Immediate;
  private listener?: Client;
  private reconnectTimer?: NodeJS.Timeout;
  private closed = false;
  private readonly log: Logger;

  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly slips: SlipView,
  ) {
    this.log = runtime.log.child({ component: 'slip-settled-waiter' });
  }

  onApplicationBootstrap(): void {
    void this.listen(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    if (this.checkSoon) clearImmediate(this.checkSoon);
    this.checkSoon = undefined;
    this.releaseAll();
    const client = this.listener;
    this.listener = undefined;
    await client?.end().catch(() => undefined);
  }

  /** Whether the listening connection is open (for tests and /status). */
  get listening(): boolean {
    return this.listener !== undefined;
  }

  /** How many requests wait now. */
  get waiting(): number {
    let n = 0;
    for (const set of this.waiters.values()) n += set.size;
    return n;
  }

  /**
   * The claim's slip once it shows `goal`, at once when `seen` (its status when the write was
   * accepted) already does, else within `ms`; as `caller` may see it, recorded in the access log
   * (SlipView.shownTo). Undefined when the slip did not get there in time (or changed again
   * meanwhile, as under a newer correction: that read stays recorded, as a read it was).
   */
  async settledSlip(
    goal: SlipGoal,
    seen: { status: SlipStatus; version: number },
    ms: number,
    shownTo: { caller: Caller; action: string; correlationId: string },
  ): Promise<Slip | undefined> {
    if (!showsGoal(seen, goal) && !(await this.until(goal, ms))) return undefined;
    const slip = await this.slips.shownTo(shownTo.caller, goal.claimId, shownTo.action, shownTo.correlationId);
    return showsGoal(slip, goal) ? slip : undefined;
  }

  /** Wait up to `ms` for the claim's slip to show `goal`: true when it did. */
  until(goal: SlipGoal, ms: number): Promise<boolean> {
    if (this.closed || this.runtime.isStopping || !(ms > 0)) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      let done = false;
      const waiter: Waiter = {
        goal,
        settle: (reached) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          this.remove(waiter);
          resolve(reached);
        },
      };
      const timer = setTimeout(() => waiter.settle(false), ms);
      let set = this.waiters.get(goal.claimId);
      if (!set) this.waiters.set(goal.claimId, (set = new Set()));
      set.add(waiter);
      this.ticker ??= setInterval(() => this.tick(), RECHECK_MS);
      // a settlement committed before this wait began was announced to no one: read it once now
      // (with every wait that begins in the same turn of the event loop)
      this.due.add(goal.claimId);
      this.checkSoon ??= setImmediate(() => {
        this.checkSoon = undefined;
        this.check();
      });
    });
  }

  private remove(waiter: Waiter): void {
    const set = this.waiters.get(waiter.goal.claimId);
    set?.delete(waiter);
    if (set?.size === 0) this.waiters.delete(waiter.goal.claimId);
    if (this.waiters.size === 0 && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private releaseAll(): void {
    for (const set of [...this.waiters.values()]) for (const w of [...set]) w.settle(false);
  }

  private tick(): void {
    if (this.runtime.isStopping) return this.releaseAll();
    this.dueAll = true;
    this.check();
  }

  /** One query for the claims due; one check at a time, the next as soon as it is done if more came due. */
  private check(): void {
    if (this.checking) return;
    const claimIds = this.dueAll ? [...this.waiters.keys()] : [...this.due].filter((id) => this.waiters.has(id));
    this.due.clear();
    this.dueAll = false;
    if (claimIds.length === 0) return;
    this.checking = true;
    void this.read(claimIds)
      .then(
        (rows) => {
          this.checkFailing = false;
          for (const row of rows) this.apply(row);
        },
        (error: unknown) => {
          // the database is away: the waits run out and answer 202, the re-check goes on
          if (!this.checkFailing) this.log.warn({ err: error }, 'slip statuses not read; retrying');
          this.checkFailing = true;
        },
      )
      .finally(() => {
        this.checking = false;
        if (this.dueAll || this.due.size > 0) this.check();
      });
  }

  private read(claimIds: string[]): Promise<StatusRow[]> {
    return this.runtime.db.query<StatusRow>(
      `SELECT c.claim_id, c.stream_id, c.version, c.status, (${PERSON_YEAR_SETTLED_SQL}) AS settled
       FROM claims c JOIN slip_person_years p USING (stream_id) WHERE c.claim_id = ANY($1::text[])`,
      [claimIds],
    );
  }

  private apply(row: StatusRow): void {
    const status: SlipStatus = !row.settled ? 'PENDING' : row.status === 'LIVE' ? 'SETTLED' : 'REVERSED';
    for (const waiter of [...(this.waiters.get(row.claim_id) ?? [])]) {
      waiter.streamId = row.stream_id;
      const verdict = goalVerdict({ status, version: row.version }, waiter.goal);
      if (verdict !== undefined) waiter.settle(verdict);
    }
  }

  private onNotification(notification: Notification): void {
    if (notification.channel !== SLIP_SETTLED_CHANNEL || this.waiters.size === 0) return;
    const streams = new Set((notification.payload ?? '').split(' '));
    for (const [claimId, set] of this.waiters)
      for (const w of set)
        if (w.streamId === undefined || streams.has(w.streamId)) {
          this.due.add(claimId);
          break;
        }
    this.check();
  }

  /** Open the listening connection; on failure try again later, never failing the service. */
  private async listen(attempt: number): Promise<void> {
    this.reconnectTimer = undefined;
    if (this.closed) return;
    let client: Client | undefined;
    try {
      client = await this.runtime.db.dedicatedClient();
      const own = client;
      own.on('notification', (n) => this.onNotification(n));
      own.on('error', (error) => this.lost(own, error));
      own.on('end', () => this.lost(own));
      await own.query(`LISTEN ${SLIP_SETTLED_CHANNEL}`);
      if (this.closed) {
        await own.end().catch(() => undefined);
        return;
      }
      this.listener = own;
      if (attempt > 0) this.log.info('listening for settled slips again');
      // what was announced while no one listened: read every waiting claim once
      this.dueAll = true;
      this.check();
    } catch (error) {
      await client?.end().catch(() => undefined);
      if (attempt === 0) this.log.warn({ err: error }, 'not listening for settled slips yet; retrying (waits fall back to re-reading)');
      this.retry(attempt + 1);
    }
  }

  private lost(client: Client, error?: Error): void {
    if (this.listener !== client) return;
    this.listener = undefined;
    void client.end().catch(() => undefined);
    if (this.closed) return;
    this.log.warn({ err: error }, 'the connection listening for settled slips was lost; reconnecting');
    this.retry(1);
  }

  private retry(attempt: number): void {
    if (this.closed || this.reconnectTimer) return;
    const delay = RECONNECT_MS[Math.min(attempt - 1, RECONNECT_MS.length - 1)];
    this.reconnectTimer = setTimeout(() => void this.listen(attempt), delay);
    this.reconnectTimer.unref();
  }
}
