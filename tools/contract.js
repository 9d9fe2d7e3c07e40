#!/usr/bin/env node
/**
 * `npm run contract:check | contract:release | contract:asyncapi` (and `npm run lint`, which
 * runs `check`): compiles tools/contract.ts with libs/contracts into tmp/contract, then runs it.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'tmp', 'contract');
const run = (args, env = process.env) => {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run([require.resolve('typescript/bin/tsc'), '-p', path.join(__dirname, 'tsconfig.contract.json')]);
run(['-r', path.join(__dirname, 'register-paths.js'), path.join(OUT, 'tools', 'contract.js'), ...process.argv.slice(2)], {
  ...process.env,
  MSB_COMPILED_DIR: OUT,
});
