import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** CPU seconds (user + system) of every process on this machine, grouped by what it is. */
export type CpuByGroup = Record<string, number>;

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** What a process is: one of our services (and the Postgres backends serving its database), Postgres, Kafka, or the bench. */
function groupOf(cmdline: string, services: Map<string, string>): string | undefined {
  const service = /dist\/apps\/([a-z-]+)\/src\/main\.js/.exec(cmdline);
  if (service) return service[1];
  if (cmdline.startsWith('postgres:')) {
    for (const [database, name] of services) if (cmdline.includes(` ${database} `)) return `postgres (${name})`;
    return 'postgres (other)';
  }
  if (/\bpostgres\b|postmaster/.test(cmdline)) return 'postgres (other)';
  if (/kafka\.Kafka|kafka-server|kafka_2/.test(cmdline)) return 'kafka';
  if (/dist\/bench\//.test(cmdline)) return 'bench client';
  return undefined;
}

/** A reading of every process's CPU time now; `databases` maps a database name to the service it belongs to. */
export function readCpu(databases: Map<string, string>): CpuByGroup {
  const out: CpuByGroup = {};
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      const group = groupOf(cmdline, databases) ?? 'other';
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
      out[group] = (out[group] ?? 0) + ticks / TICKS_PER_SECOND;
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/** The machine's CPU seconds so far from /proc/stat: busy (user, nice, system, irq, softirq, steal) and all (idle and iowait too). */
export function readMachine(): { busy: number; all: number } {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / TICKS_PER_SECOND, all: (busy + idle + iowait) / TICKS_PER_SECOND };
}

/** Cores in use on average between two machine readings (out of every core of the machine). */
export function coresBetween(before: { busy: number; all: number }, after: { busy: number; all: number }, cores: number): number {
  const all = after.all - before.all;
  return all > 0 ? +(((after.busy - before.busy) / all) * cores).toFixed(2) : 0;
}

/** CPU seconds each group used between two readings (groups that used under 0.05 s left out). */
export function cpuBetween(before: CpuByGroup, after: CpuByGroup): CpuByGroup {
  const out: CpuByGroup = {};
  for (const [group, seconds] of Object.entries(after)) {
    const used = seconds - (before[group] ?? 0);
    if (used >= 0.05) out[group] = +used.toFixed(2);
  }
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
}

/** The most resident memory a process has held since it started (VmHWM), in MB; null when it is gone. */
export function peakRssMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : null;
  } catch {
    return null;
  }
}

/** What a stretch of a run used: CPU seconds per group, and the machine's busy cores over it. */
export interface CpuWindow {
  cpuSeconds: CpuByGroup;
  coresUsed: number;
}

/** Start measuring now (`databases`: database name → service); the function returned ends the stretch. */
export function cpuWindow(databases: Map<string, string>): () => CpuWindow {
  const cpu = readCpu(databases);
  const machine = readMachine();
  return () => ({
    cpuSeconds: cpuBetween(cpu, readCpu(databases)),
    coresUsed: coresBetween(machine, readMachine(), cpus().length),
  });
}
