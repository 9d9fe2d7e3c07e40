import fc from 'fast-check';
import { describeFault, FAULT_KINDS, faultSchedule } from './fault.schedule';

describe('fault schedule', () => {
  it('is reproducible from its seed, and another seed gives another schedule', () => {
    const options = { durationMs: 120_000, replicas: 2 };
    expect(faultSchedule(42, options)).toEqual(faultSchedule(42, options));
    expect(faultSchedule(43, options)).not.toEqual(faultSchedule(42, options));
  });

  it('strikes with every kind at least once, in time order, within the duration', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 60_000, max: 900_000 }), (seed, durationMs) => {
        const schedule = faultSchedule(seed, { durationMs, replicas: 2 });
        for (const kind of FAULT_KINDS) expect(schedule.some((f) => f.kind === kind)).toBe(true);
        expect(schedule.map((f) => f.at)).toEqual([...schedule.map((f) => f.at)].sort((a, b) => a - b));
        expect(schedule.every((f) => f.at >= 0 && f.at < durationMs)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('never strikes both replicas of a service at once, nor restarts the broker twice at once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (seed) => {
        const schedule = faultSchedule(seed, { durationMs: 300_000, replicas: 2, meanGapMs: 3000 });
        const spans = schedule.map((f) => ({ ...f, to: f.at + (f.holdMs ?? 0) }));
        for (const a of spans)
          for (const b of spans) {
            if (a === b || !(a.at < b.to && b.at < a.to)) continue;
            if (a.kind === 'brokerRestart') expect(b.kind).not.toBe('brokerRestart');
            if (a.replica !== undefined && b.replica !== undefined) expect(a.service === b.service).toBe(false);
          }
      }),
      { numRuns: 200 },
    );
  });

  it('freezes a process for longer than the consumer session timeout', () => {
    const schedule = faultSchedule(7, { durationMs: 600_000, replicas: 2, sessionTimeoutMs: 30_000 });
    const freezes = schedule.filter((f) => f.kind === 'freeze');
    expect(freezes.length).toBeGreaterThan(0);
    for (const f of freezes) expect(f.holdMs).toBeGreaterThan(30_000);
  });

  it('describes each fault on one line with its target and duration', () => {
    expect(describeFault({ at: 1500, kind: 'kill', service: 'audit', replica: 1, holdMs: 800 })).toBe('+1.5s kill audit#1 for 800 ms');
    expect(describeFault({ at: 0, kind: 'brokerRestart', holdMs: 2000 })).toBe('+0.0s brokerRestart for 2000 ms');
  });
});
