import { money } from '@msb/money';
import type { ServiceClient } from './http.client';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface SlipRead {
  claimId: string;
  version: number;
  status: string;
  total: string;
  basic: string;
  criticalIllness: string;
  assistance: string;
  selfPay: string;
}

interface LedgerRead {
  revision: number;
}

/** What the checker reads through: any replica of basic (slips), of 大病 and of assistance (ledgers). */
export interface CheckerReaders {
  basic: () => ServiceClient;
  criticalIllness: () => ServiceClient;
  assistance: () => ServiceClient;
}

/**
 * Reads slips and ledgers while faults strike, and holds every read to what must be true at
 * every moment, not only at the end: conservation (total = basic + 大病 + assistance + self-pay,
 * none negative, no payer above the total: a claim paid twice shows here), a claim's version and
 * a payer's person-year revision never go backwards. A read that fails because a replica is down
 * is counted, not judged.
 */
export class ChaosChecker {
  readonly violations: string[] = [];
  reads = 0;
  unavailable = 0;
  private readonly versions = new Map<string, number>();
  private readonly revisions = new Map<string, number>();
  private running = false;
  private loop?: Promise<void>;

  constructor(
    private readonly readers: CheckerReaders,
    /** The claims accepted so far and their person-years ("region/person/year"), to sample from. */
    private readonly sample: () => { claimIds: string[]; personYears: string[] },
    private readonly random: () => number,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const { claimIds, personYears } = this.sample();
      const pick = <T>(list: T[], n: number) =>
        Array.from({ length: Math.min(n, list.length) }, () => list[Math.floor(this.random() * list.length)]);
      await Promise.all([...pick(claimIds, 8).map((id) => this.checkSlip(id)), ...pick(personYears, 4).map((py) => this.checkLedgers(py))]);
      await sleep(250);
    }
  }

  /** One slip against conservation and its version's history. */
  async checkSlip(claimId: string): Promise<void> {
    const slip = await this.read<SlipRead>(this.readers.basic(), `/claims/${claimId}`);
    if (!slip) return;
    const problems = slipProblems(slip);
    for (const p of problems) this.violations.push(`${claimId}: ${p} in ${JSON.stringify(slip)}`);
    const before = this.versions.get(claimId) ?? 0;
    if (slip.version < before) this.violations.push(`${claimId}: version went back from ${before} to ${slip.version}`);
    this.versions.set(claimId, Math.max(before, slip.version));
  }

  private async checkLedgers(personYear: string): Promise<void> {
    for (const [payer, client] of [
      ['criticalIllness', this.readers.criticalIllness()],
      ['assistance', this.readers.assistance()],
    ] as const) {
      const ledger = await this.read<LedgerRead>(client, `/ledgers/${personYear}`);
      if (!ledger) continue;
      const key = `${payer}:${personYear}`;
      const before = this.revisions.get(key) ?? 0;
      if (ledger.revision < before) this.violations.push(`${key}: revision went back from ${before} to ${ledger.revision}`);
      this.revisions.set(key, Math.max(before, ledger.revision));
    }
  }

  private async read<T>(client: ServiceClient, path: string): Promise<T | undefined> {
    try {
      const res = await client.get<T>(path);
      if (res.status === 404) return undefined; // accepted, not yet known to this payer
      if (res.status !== 200) {
        this.unavailable += 1;
        return undefined;
      }
      this.reads += 1;
      return res.body;
    } catch {
      this.unavailable += 1;
      return undefined;
    }
  }
}

/** What a slip may never show, whatever the moment: conservation broken, a negative share, a payer above the total. */
export function slipProblems(slip: Pick<SlipRead, 'total' | 'basic' | 'criticalIllness' | 'assistance' | 'selfPay'>): string[] {
  const parts = [slip.basic, slip.criticalIllness, slip.assistance, slip.selfPay].map((x) => money(x));
  const problems: string[] = [];
  if (!parts.reduce((a, b) => a.plus(b)).eq(money(slip.total))) problems.push('conservation broken');
  if (parts.some((p) => p.isNegative())) problems.push('a negative share');
  if (parts.some((p) => p.gt(money(slip.total)))) problems.push('a share above the total');
  return problems;
}
