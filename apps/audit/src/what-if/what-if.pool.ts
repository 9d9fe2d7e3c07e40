import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PersonYearRows } from './region-year-facts.view';
import type { TallySnapshot } from './what-if.fold';
import { RegionYearSettler, WhatIfTerms } from './what-if.settler';
import type { FromWorker, ToWorker } from './what-if.worker';

export type Settled = { tally: TallySnapshot; notReplayed: number }[];

/** Batches handed to a worker and not yet settled, at most: the reading stays a little ahead, memory bounded. */
const IN_FLIGHT = 2;

/**
 * How many worker threads settle a what-if: WHAT_IF_WORKERS (0 or 1: none, the request's own
 * thread), else one per core, at most 4. Read once at start; a value that is not a whole number
 * stops the service, as a bad configuration does. The workers run the compiled code: where the
 * service runs from its TypeScript sources (the tests' ts-jest), it settles in its own thread.
 */
export function workersFor(env: NodeJS.ProcessEnv = process.env, compiled = __filename.endsWith('.js')): number {
  const raw = env.WHAT_IF_WORKERS;
  if (raw !== undefined && !/^\d{1,2}$/.test(raw)) throw new Error(`WHAT_IF_WORKERS must be a whole number of threads, not ${raw}`);
  const workers = raw === undefined ? Math.min(4, availableParallelism()) : Number(raw);
  return compiled && workers > 1 ? workers : 0;
}

/** Settle every batch in this thread. */
export async function settleHere(terms: WhatIfTerms, batches: AsyncIterable<PersonYearRows[]>): Promise<Settled> {
  const settler = new RegionYearSettler(terms);
  for await (const batch of batches) settler.add(batch);
  return [settler.result()];
}

class WorkerFailed extends Error {
  constructor(name: string, message: string) {
    super(`a what-if worker failed: ${name}: ${message}`);
    this.name = 'WorkerFailed';
  }
}

/** One worker thread and the answers it owes. */
class SettlingWorker {
  private readonly worker: Worker;
  private readonly waiting: { resolve: (m: FromWorker) => void; reject: (e: Error) => void }[] = [];
  inFlight = 0;
  private failure?: Error;

  constructor(terms: WhatIfTerms) {
    this.worker = new Worker(join(__dirname, 'what-if.worker.js'), {
      workerData: terms,
      // a worker holds a batch or two: a bound keeps a what-if's memory that of a few batches, not of a heap left to grow
      resourceLimits: { maxOldGenerationSizeMb: 128 },
    });
    this.worker.on('message', (m: FromWorker) => {
      if (m.type === 'settled') this.inFlight -= 1;
      const next = this.waiting.shift();
      if (m.type === 'failed') this.fail(new WorkerFailed(m.name, m.message), next);
      else next?.resolve(m);
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new Error(`a what-if worker exited (${code})`)));
  }

  private fail(error: Error, first?: { reject: (e: Error) => void }): void {
    this.failure ??= error;
    first?.reject(this.failure);
    for (const w of this.waiting.splice(0)) w.reject(this.failure);
  }

  private answer(): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** Hand a batch on; resolves when the worker has settled it. */
  send(batch: PersonYearRows[]): Promise<FromWorker> {
    this.inFlight += 1;
    const settled = this.answer();
    this.worker.postMessage({ type: 'batch', batch } satisfies ToWorker);
    return settled;
  }

  async result(): Promise<Settled[number]> {
    const answer = this.answer();
    this.worker.postMessage({ type: 'end' } satisfies ToWorker);
    const m = await answer;
    if (m.type !== 'result') throw new Error(`a what-if worker answered ${m.type} for its result`);
    return { tally: m.tally, notReplayed: m.notReplayed };
  }

  async stop(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

/**
 * Settle the batches in `count` worker threads, each batch handed to the least busy one while
 * the next is read; each worker keeps its own tally, which the caller absorbs into one. The
 * workers end with the what-if, whatever its outcome.
 */
export async function settleInWorkers(terms: WhatIfTerms, batches: AsyncIterable<PersonYearRows[]>, count: number): Promise<Settled> {
  const workers = Array.from({ length: count }, () => new SettlingWorker(terms));
  const pending = new Set<Promise<unknown>>();
  try {
    for await (const batch of batches) {
      let free = workers.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
      while (free.inFlight >= IN_FLIGHT) {
        await Promise.race(pending);
        free = workers.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
      }
      const settled: Promise<unknown> = free.send(batch).finally(() => pending.delete(settled));
      settled.catch(() => undefined); // awaited through `pending` (a failure rejects the race or the final wait)
      pending.add(settled);
    }
    await Promise.all(pending);
    return await Promise.all(workers.map((w) => w.result()));
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}
