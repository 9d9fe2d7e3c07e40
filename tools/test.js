#!/usr/bin/env node
/**
 * `npm test`: everything a change must pass, in order, failing fast.
 *   lint (incl. Nx module boundaries) → typecheck → unit → integration → end-to-end → chaos (short)
 * The fixed fault suite (`faults`) is not in the default run: the short randomized schedule applies the
 * same faults and more, and the whole run must stay under 15 minutes; `npm test -- faults` or
 * `npm run test:faults` runs it.
 * Integration and end-to-end suites start whatever infrastructure is missing: Kafka is the
 * closed bus at KAFKA_BROKERS (secrets in KAFKA_CREDENTIALS_DIR), else the local broker
 * (deploy/local); Postgres is DATABASE_URL, else Testcontainers if a Docker engine answers,
 * else the local server.
 * Pass phase names to run only those: `npm test -- unit e2e`.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const bin = (pkg, file) => path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);

const PHASES = [
  { name: 'lint', args: [path.join(ROOT, 'tools/lint.js')] },
  { name: 'typecheck', args: [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json', '--noEmit'] },
  { name: 'unit', args: [bin('jest', 'bin/jest.js'), '--selectProjects', 'unit'] },
  { name: 'int', args: [bin('jest', 'bin/jest.js'), '--selectProjects', 'int', '--runInBand'] },
  { name: 'e2e', args: [bin('jest', 'bin/jest.js'), '--selectProjects', 'e2e', '--runInBand'] },
  { name: 'faults', args: [bin('jest', 'bin/jest.js'), '--selectProjects', 'faults', '--runInBand'], optIn: true },
  // the short randomized schedule; `npm run test:chaos` runs the long one
  { name: 'chaos', args: [bin('jest', 'bin/jest.js'), '--selectProjects', 'chaos', '--runInBand'] },
];

const wanted = process.argv.slice(2);
const phases = wanted.length ? PHASES.filter((p) => wanted.includes(p.name)) : PHASES.filter((p) => !p.optIn);
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: process.env.FORCE_COLOR ?? '0' };
const timings = [];
const started = Date.now();
for (const phase of phases) {
  const t0 = Date.now();
  process.stderr.write(`\n=== ${phase.name} ===\n`);
  const r = spawnSync(process.execPath, phase.args, { cwd: ROOT, stdio: 'inherit', env });
  timings.push(`${phase.name} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (r.status !== 0) {
    process.stderr.write(`\n${phase.name} failed (${timings.join(', ')})\n`);
    process.exit(r.status ?? 1);
  }
}
process.stderr.write(`\nall passed in ${((Date.now() - started) / 1000).toFixed(1)} s: ${timings.join(', ')}\n`);
