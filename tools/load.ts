/**
 * A quick load against the running services (npm run up): N claims at a given concurrency,
 * reporting the accept rate and the time until all are settled.
 *   node -r ./tools/register-paths.js dist/tools/load.js [claims] [concurrency]
 */
import {
  applyStep,
  demoPolicies,
  generateWorkload,
  inParallel,
  randomTag,
  systemClients,
  waitUntilCaughtUp,
  workloadSetupSteps,
} from '@msb/testing';

async function main() {
  const claims = Number(process.argv[2] ?? 3000);
  const concurrency = Number(process.argv[3] ?? 64);
  const clients = systemClients();
  const tag = `L${randomTag(4).toUpperCase()}`;
  const regions = [`610100${tag}`.slice(0, 12)];
  const workload = generateWorkload({ seed: 3, tag, regions, year: 2024, people: Math.ceil(claims / 2), claims, eligibleShare: 0.15 });
  for (const step of workloadSetupSteps(workload, demoPolicies())) await applyStep(clients, step);
  await inParallel(workload.grants, 16, (g) => applyStep(clients, { op: 'grantEligibility', ...g }));
  const t0 = performance.now();
  await inParallel(workload.claims, concurrency, (claim) => applyStep(clients, { op: 'submitClaim', claim }));
  const t1 = performance.now();
  await waitUntilCaughtUp([clients.basic, clients.criticalIllness, clients.assistance, clients.audit], 600000);
  const t2 = performance.now();
  const status = await clients.basic.as('operator').get('/status');
  process.stdout.write(
    `${claims} claims: accepted ${(claims / ((t1 - t0) / 1000)).toFixed(0)}/s, settled ${(claims / ((t2 - t0) / 1000)).toFixed(0)}/s\n${JSON.stringify(status.body)}\n`,
  );
}

void main();
