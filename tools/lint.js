#!/usr/bin/env node
/**
 * `npm run lint`: ESLint (with the Nx module boundaries), Prettier's check, and the bus's
 * contract: no breaking change to a released event version, docs/asyncapi.yaml up to date.
 * The module-boundary rule needs Nx's project graph; without a cached one it skips itself
 * silently, so the graph is computed first.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const bin = (pkg, file) => path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
const run = (args, quiet = false) => {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run([bin('nx', 'dist/bin/nx.js'), 'show', 'projects'], true);
run([bin('eslint', 'bin/eslint.js'), '--max-warnings', '0', '.']);
run([bin('prettier', 'bin/prettier.cjs'), '--check', '--log-level', 'warn', '.']);
run([path.join(ROOT, 'tools/contract.js'), 'check']);
