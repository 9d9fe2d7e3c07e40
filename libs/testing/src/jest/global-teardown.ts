export default async function globalTeardown(): Promise<void> {
  await globalThis.__testInfrastructure?.stop();
  globalThis.__testInfrastructure = undefined;
}
