import { Inject, Injectable } from '@nestjs/common';
import { RUNTIME, ServiceRuntime } from '@msb/platform';
import { DEFAULT_THRESHOLDS, Flag, FlagThresholds, fraudFlags, integrityFlags } from '../flags/flag.rules';
import { replay, ReplayResult } from '../replay/decision.replay';
import { loadIndex, LogIndex } from './log.index';

/** Thresholds of the fraud rules, from the environment (FLAG_SPLIT_ADMISSION_DAYS, …). */
export function thresholdsFrom(env: NodeJS.ProcessEnv): FlagThresholds {
  const read = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, not ${raw}`);
    return value;
  };
  return {
    splitAdmissionDays: read('FLAG_SPLIT_ADMISSION_DAYS', DEFAULT_THRESHOLDS.splitAdmissionDays),
    maxAdmissionsPerYear: read('FLAG_MAX_ADMISSIONS_PER_YEAR', DEFAULT_THRESHOLDS.maxAdmissionsPerYear),
    maxLengthOfStayDays: read('FLAG_MAX_LENGTH_OF_STAY_DAYS', DEFAULT_THRESHOLDS.maxLengthOfStayDays),
    outlierMinPeers: read('FLAG_OUTLIER_MIN_PEERS', DEFAULT_THRESHOLDS.outlierMinPeers),
    outlierRobustZ: read('FLAG_OUTLIER_ROBUST_Z', DEFAULT_THRESHOLDS.outlierRobustZ),
  };
}

export interface ReplayReport extends ReplayResult {
  events: number;
  seconds: number;
  eventsPerSecond: number;
}

/**
 * Replays and flags read the whole log into an index; the index is kept while the log has
 * not grown, so that asking again is cheap.
 */
@Injectable()
export class AnalysisService {
  readonly thresholds: FlagThresholds;
  private cached?: { lastSeq: string; count: number; index: LogIndex; flags?: Flag[] };

  constructor(@Inject(RUNTIME) private readonly runtime: ServiceRuntime) {
    this.thresholds = thresholdsFrom(process.env);
  }

  async index(): Promise<LogIndex> {
    const [head] = await this.runtime.db.query<{ last: string | null; n: string }>(
      'SELECT max(seq)::text AS last, count(*)::text AS n FROM audit_log',
    );
    const lastSeq = head?.last ?? '0';
    const count = Number(head?.n ?? 0);
    if (this.cached && this.cached.lastSeq === lastSeq && this.cached.count === count) return this.cached.index;
    const index = await loadIndex(this.runtime.db);
    this.cached = { lastSeq, count, index };
    return index;
  }

  /** Re-derive every decision from the log, from an index read afresh (the timing is the replay's). */
  async replay(): Promise<ReplayReport> {
    const started = performance.now();
    const index = await loadIndex(this.runtime.db);
    const result = replay(index);
    const seconds = (performance.now() - started) / 1000;
    return {
      events: index.events,
      ...result,
      seconds: +seconds.toFixed(3),
      eventsPerSecond: Math.round(index.events / Math.max(seconds, 1e-6)),
    };
  }

  async flags(): Promise<Flag[]> {
    const index = await this.index();
    if (this.cached?.index === index && this.cached.flags) return this.cached.flags;
    const flags = [...integrityFlags(index), ...fraudFlags(index, this.thresholds)];
    if (this.cached?.index === index) this.cached.flags = flags;
    return flags;
  }
}
