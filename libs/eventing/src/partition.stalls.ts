import type { Logger } from 'pino';
import { classifyError } from './database.client';

/** A partition that makes no progress for a temporary reason, as /status shows it. */
export interface PausedPartition {
  topic: string;
  partition: number;
  /** The class of the failure (`classifyError`), never message content. */
  reason: string;
  since: string;
  attempts: number;
  nextAttemptAt: string;
}

interface Stall {
  topic: string;
  partition: number;
  reason: string;
  since: number;
  attempts: number;
  nextAttemptAt: number;
  timer?: NodeJS.Timeout;
  resume?: () => void;
}

export interface StallOptions {
  /** First wait before the chunk is tried again; doubles per failure up to `maxMs`. */
  initialMs?: number;
  maxMs?: number;
}

/**
 * Partitions whose chunk failed for a temporary reason (the database, not the message): each
 * is paused and tried again after a capped exponential backoff, WITHOUT LIMIT, from its last
 * committed offset; the other partitions go on, and the consumer keeps heartbeating, so the
 * group does not rebalance. One error log per episode (and one line when it clears); /status
 * lists what is paused and why. Nothing is dead-lettered or skipped for a temporary failure.
 */
export class PartitionStalls {
  private readonly stalls = new Map<string, Stall>();
  private readonly initialMs: number;
  private readonly maxMs: number;

  constructor(
    private readonly log: Logger,
    options: StallOptions = {},
  ) {
    this.initialMs = options.initialMs ?? 200;
    this.maxMs = options.maxMs ?? 30000;
  }

  /** Pause the partition (`pause` returns its resume) and schedule the next attempt. */
  stall(topic: string, partition: number, error: unknown, pause: () => () => void): void {
    const key = `${topic}|${partition}`;
    const { reason } = classifyError(error);
    const now = Date.now();
    let s = this.stalls.get(key);
    if (!s) {
      s = { topic, partition, reason, since: now, attempts: 0, nextAttemptAt: now };
      this.stalls.set(key, s);
      this.log.error(
        { err: error, topic, partition, reason },
        'partition paused: a temporary failure; it is tried again until it clears, nothing is dead-lettered',
      );
    }
    s.attempts += 1;
    s.reason = reason;
    const delay = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(s.attempts - 1, 20)) * (0.75 + Math.random() / 2);
    s.nextAttemptAt = now + delay;
    s.resume = pause();
    clearTimeout(s.timer);
    const stall = s;
    s.timer = setTimeout(() => {
      stall.timer = undefined;
      stall.resume?.();
    }, delay);
  }

  /**
   * Whether the partition is waiting for its next attempt. A batch of it that arrives meanwhile
   * (the pause lost in a rebalance) is left alone and the partition paused again until then.
   */
  holds(topic: string, partition: number, pause: () => () => void): boolean {
    const s = this.stalls.get(`${topic}|${partition}`);
    if (s?.timer === undefined) return false;
    s.resume = pause();
    return true;
  }

  /** The partition made progress: the episode is over. */
  cleared(topic: string, partition: number): void {
    const key = `${topic}|${partition}`;
    const s = this.stalls.get(key);
    if (!s) return;
    clearTimeout(s.timer);
    this.stalls.delete(key);
    this.log.warn({ topic, partition, reason: s.reason, attempts: s.attempts, pausedMs: Date.now() - s.since }, 'partition resumed');
  }

  /** Forget partitions no longer assigned to this member (after a rebalance), or all (at stop). */
  retain(assigned?: (topic: string, partition: number) => boolean): void {
    for (const [key, s] of this.stalls) {
      if (assigned?.(s.topic, s.partition)) continue;
      clearTimeout(s.timer);
      this.stalls.delete(key);
    }
  }

  list(): PausedPartition[] {
    return [...this.stalls.values()].map((s) => ({
      topic: s.topic,
      partition: s.partition,
      reason: s.reason,
      since: new Date(s.since).toISOString(),
      attempts: s.attempts,
      nextAttemptAt: new Date(s.nextAttemptAt).toISOString(),
    }));
  }
}
