import globalTeardown from './global-teardown';

/** The shared system first (its processes, databases and topics), then the run's infrastructure. */
export default async function e2eGlobalTeardown(): Promise<void> {
  await globalThis.__sharedSystem?.stop();
  globalThis.__sharedSystem = undefined;
  await globalTeardown();
}
