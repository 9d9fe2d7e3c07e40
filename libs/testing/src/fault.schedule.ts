import { rng } from './workload.generator';

/**
 * A randomized fault schedule, reproducible from its seed (FAULT_SEED): what goes wrong, where
 * and when, while a workload runs. Pure: the schedule is data; tests/chaos carries it out.
 */

/** The services a schedule can strike (the same names as the running system's). */
export const FAULT_TARGETS = ['basic-insurance', 'critical-illness', 'medical-assistance', 'audit'] as const;
export type FaultTarget = (typeof FAULT_TARGETS)[number];

/**
 * - `kill`: kill -9 one replica, restart it after `holdMs`;
 * - `freeze`: SIGSTOP one replica past the consumer session timeout, then SIGCONT;
 * - `brokerRestart`: the Kafka broker stopped for `holdMs`, then started;
 * - `cutConnections`: every database connection of a service terminated (pg_terminate_backend);
 * - `starvePool`: a service's busiest tables locked for `holdMs`, so its pool runs dry;
 * - `poison`: a message no consumer can read, produced on a service's topic (dead-lettered, by design);
 * - `oversized`: an event too large for the bus, put in a service's outbox (set aside, by design).
 */
export const FAULT_KINDS = ['kill', 'freeze', 'brokerRestart', 'cutConnections', 'starvePool', 'poison', 'oversized'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  /** Milliseconds after the schedule starts. */
  at: number;
  kind: FaultKind;
  /** The service struck (none for the broker). */
  service?: FaultTarget;
  /** Which of its replicas, for a fault on one process. */
  replica?: number;
  /** How long the fault lasts before it is undone (kill, freeze, brokerRestart, starvePool). */
  holdMs?: number;
}

export interface ScheduleOptions {
  durationMs: number;
  replicas: number;
  /** Mean time between two faults. */
  meanGapMs?: number;
  /** A frozen process stays stopped past this (the consumers' session timeout), so its group moves on. */
  sessionTimeoutMs?: number;
  kinds?: readonly FaultKind[];
}

const ON_A_PROCESS: readonly FaultKind[] = ['kill', 'freeze'];

function holdFor(kind: FaultKind, random: () => number, sessionTimeoutMs: number): number | undefined {
  switch (kind) {
    case 'kill':
      return Math.round(300 + random() * 2700);
    case 'freeze':
      return Math.round(sessionTimeoutMs + 2000 + random() * 6000);
    case 'brokerRestart':
      return Math.round(1000 + random() * 4000);
    case 'starvePool':
      return Math.round(2000 + random() * 6000);
    default:
      return undefined;
  }
}

/**
 * Every kind at least once, in a random order, then more at random, spread over the duration.
 * Two faults never strike the same process at once, and a service keeps at least one replica
 * running (with two or more), so the schedule tests recovery, not a total outage of a service;
 * a broker restart never overlaps another.
 */
export function faultSchedule(seed: number, options: ScheduleOptions): Fault[] {
  const random = rng(seed);
  const kinds = options.kinds ?? FAULT_KINDS;
  const sessionTimeoutMs = options.sessionTimeoutMs ?? 30000;
  const meanGapMs = options.meanGapMs ?? 8000;
  const count = Math.max(kinds.length, Math.round(options.durationMs / meanGapMs));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const wanted: FaultKind[] = [...kinds].sort(() => random() - 0.5);
  while (wanted.length < count) wanted.push(pick(kinds));

  const busy: { from: number; to: number; service?: FaultTarget; replica?: number; kind: FaultKind }[] = [];
  const overlaps = (a: { from: number; to: number }, b: { from: number; to: number }) => a.from < b.to && b.from < a.to;
  const faults: Fault[] = [];
  for (const kind of wanted) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const at = Math.round(random() * options.durationMs * 0.85);
      const holdMs = holdFor(kind, random, sessionTimeoutMs);
      const span = { from: at, to: at + (holdMs ?? 0) + 3000 };
      const service = kind === 'brokerRestart' ? undefined : pick(FAULT_TARGETS);
      const replica = ON_A_PROCESS.includes(kind) ? Math.floor(random() * options.replicas) : undefined;
      const clash = busy.some((b) => {
        if (!overlaps(b, span)) return false;
        if (kind === 'brokerRestart' || b.kind === 'brokerRestart') return kind === b.kind;
        if (replica === undefined || b.replica === undefined || b.service !== service) return false;
        // the same process, or the last running replica of a service with several
        return b.replica === replica || options.replicas > 1;
      });
      if (clash) continue;
      busy.push({ ...span, service, replica, kind });
      faults.push({
        at,
        kind,
        ...(service ? { service } : {}),
        ...(replica !== undefined ? { replica } : {}),
        ...(holdMs ? { holdMs } : {}),
      });
      break;
    }
  }
  return faults.sort((a, b) => a.at - b.at);
}

/** One line per fault, for the test's log (the seed reproduces it). */
export function describeFault(f: Fault): string {
  const where = f.service ? ` ${f.service}${f.replica !== undefined ? `#${f.replica}` : ''}` : '';
  return `+${(f.at / 1000).toFixed(1)}s ${f.kind}${where}${f.holdMs ? ` for ${f.holdMs} ms` : ''}`;
}
