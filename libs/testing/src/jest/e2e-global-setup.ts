import { register } from 'tsconfig-paths';
import globalSetup from './global-setup';
import { repoRoot } from '../repo-root.path';
import type { TestSystem } from '../system.runner';

declare global {
  var __sharedSystem: TestSystem | undefined;
}

/**
 * The end-to-end run: the infrastructure and build of every suite, then one shared system of the
 * four services that the specs which keep to their own ids use (`TestSystem.shared()`): a system
 * takes seconds to start, the specs that share it milliseconds to reach it. `E2E_SHARED_SYSTEM=off`
 * gives each such spec a system of its own again.
 */
export default async function e2eGlobalSetup(): Promise<void> {
  await globalSetup();
  // the global setup runs outside the specs' module mapping: the workspace aliases resolve to the sources here
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  register({ baseUrl: repoRoot(), paths: require(`${repoRoot()}/tsconfig.base.json`).compilerOptions.paths, addMatchAll: false });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SHARED_SYSTEM_ENV, TestSystem } = require('../system.runner') as typeof import('../system.runner');
  if (process.env[SHARED_SYSTEM_ENV] === 'off') {
    delete process.env[SHARED_SYSTEM_ENV];
    return;
  }
  if (globalThis.__sharedSystem) return;
  const system = await TestSystem.start();
  globalThis.__sharedSystem = system;
  process.env[SHARED_SYSTEM_ENV] = JSON.stringify(system.describe());
}
