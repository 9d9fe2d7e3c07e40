import { parentPort, workerData } from 'node:worker_threads';
import type { PersonYearRows } from './region-year-facts.view';
import { RegionYearSettler, WhatIfTerms } from './what-if.settler';

/** A worker thread of a what-if: settles the batches it is sent on the terms it was started with, then answers its tally. */
export type ToWorker = { type: 'batch'; batch: PersonYearRows[] } | { type: 'end' };
export type FromWorker =
  { type: 'settled' } | ({ type: 'result' } & ReturnType<RegionYearSettler['result']>) | { type: 'failed'; name: string; message: string };

if (parentPort) {
  const port = parentPort;
  const settler = new RegionYearSettler(workerData as WhatIfTerms);
  port.on('message', (m: ToWorker) => {
    try {
      if (m.type === 'batch') {
        settler.add(m.batch);
        port.postMessage({ type: 'settled' } satisfies FromWorker);
      } else port.postMessage({ type: 'result', ...settler.result() } satisfies FromWorker);
    } catch (e) {
      port.postMessage({ type: 'failed', name: (e as Error).name, message: (e as Error).message } satisfies FromWorker);
    }
  });
}
