import pino from 'pino';
import { PartitionStalls } from './partition.stalls';

/** The pause-and-retry bookkeeping of a consumer, with Node's timers faked. */
describe('PartitionStalls', () => {
  const lockError = Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' });
  let lines: { level: number; msg: string; reason?: string }[];
  let stalls: PartitionStalls;
  let paused: Set<string>;
  const pause = (key: string) => () => {
    paused.add(key);
    return () => paused.delete(key);
  };

  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(Math, 'random').mockReturnValue(0.5); // no jitter: the backoff exactly
    lines = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    stalls = new PartitionStalls(logger, { initialMs: 100, maxMs: 1000 });
    paused = new Set();
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('pauses a partition, resumes it after a backoff that doubles up to the cap, and alerts once per episode', () => {
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      stalls.stall('t', 0, lockError, pause('t|0'));
      expect(paused.has('t|0')).toBe(true);
      const next = Date.parse(stalls.list()[0].nextAttemptAt) - Date.now();
      waits.push(next);
      jest.advanceTimersByTime(next - 1);
      expect(paused.has('t|0')).toBe(true);
      jest.advanceTimersByTime(1);
      expect(paused.has('t|0')).toBe(false);
    }
    expect(waits).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(stalls.list()).toEqual([
      expect.objectContaining({ topic: 't', partition: 0, attempts: 6, reason: 'SQLSTATE 55P03 (lock not available)' }),
    ]);
    expect(lines.filter((l) => l.level === 50)).toHaveLength(1);
    stalls.cleared('t', 0);
    expect(stalls.list()).toEqual([]);
    expect(lines.map((l) => l.msg)).toEqual([expect.stringMatching(/^partition paused/), 'partition resumed']);
    stalls.stall('t', 0, lockError, pause('t|0')); // a new episode alerts again
    expect(lines.filter((l) => l.level === 50)).toHaveLength(2);
  });

  it('keeps other partitions going, and holds a partition whose pause was lost until its next attempt', () => {
    stalls.stall('t', 1, new Error('timeout exceeded when trying to connect'), pause('t|1'));
    expect(stalls.holds('t', 2, pause('t|2'))).toBe(false);
    paused.delete('t|1'); // as a rebalance would
    expect(stalls.holds('t', 1, pause('t|1'))).toBe(true);
    expect(paused.has('t|1')).toBe(true);
    jest.advanceTimersByTime(100);
    expect(paused.has('t|1')).toBe(false);
    expect(stalls.holds('t', 1, pause('t|1'))).toBe(false); // its attempt is due: the batch is processed
  });

  it('forgets partitions no longer assigned', () => {
    stalls.stall('t', 0, lockError, pause('t|0'));
    stalls.stall('t', 1, lockError, pause('t|1'));
    stalls.retain((_, p) => p === 1);
    expect(stalls.list().map((s) => s.partition)).toEqual([1]);
    stalls.retain();
    expect(stalls.list()).toEqual([]);
  });
});
