import { spawnSync } from 'node:child_process';
import { repoRoot } from '../repo-root.path';
import { startTestInfrastructure, TestInfrastructure } from '../infra.setup';

declare global {
  var __testInfrastructure: TestInfrastructure | undefined;
}

/**
 * Once per test run (integration and end-to-end): real Kafka and Postgres, and the
 * services compiled for the end-to-end suites to start. Test workers inherit the env.
 */
export default async function globalSetup(): Promise<void> {
  if (!globalThis.__testInfrastructure) {
    const infra = await startTestInfrastructure();
    globalThis.__testInfrastructure = infra;
    process.env.KAFKA_BROKERS = infra.kafkaBrokers;
    process.env.DATABASE_URL = infra.databaseUrl;
    process.stderr.write(`\n[tests] Kafka ${infra.kafkaBrokers}, Postgres ${new URL(infra.databaseUrl).host} (${infra.source})\n`);
  }
  if (process.env.SKIP_BUILD !== '1' && !process.env.__TEST_BUILD_DONE) {
    const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: repoRoot(),
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error('the build failed');
    process.env.__TEST_BUILD_DONE = '1';
  }
}
