import { join } from 'node:path';
import { repoRoot } from './repo-root.path';

interface DatabaseRoles {
  ensureDatabaseRoles(adminUrl: string, databases?: string[]): Promise<Record<string, string>>;
  roleEnvironment(serverUrl: string): Record<string, string>;
  serviceEnvironment(service: string, env: Record<string, string | undefined>): Record<string, string>;
}

/** deploy/local/database-roles.js: the migration role and the services' runtime roles. */
export function databaseRoles(): DatabaseRoles {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(repoRoot(), 'deploy/local/database-roles.js')) as DatabaseRoles;
}

/** The test server as its administrator (the tests' DATABASE_URL). */
export function adminServerUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
}

/**
 * What a service of the tests connects with: DATABASE_URL as its runtime role and
 * DATABASE_MIGRATION_URL as the migration role on the test server, in `database` when given
 * (else the service's own, or DATABASE_NAME). The roles were made by the test infrastructure.
 */
export function serviceDatabaseEnv(service: string, database?: string): { DATABASE_URL: string; DATABASE_MIGRATION_URL: string } {
  const roles = databaseRoles();
  const env = roles.serviceEnvironment(service, roles.roleEnvironment(adminServerUrl()));
  const inDatabase = (raw: string) => {
    if (!database) return raw;
    const url = new URL(raw);
    url.pathname = `/${database}`;
    return url.toString();
  };
  return { DATABASE_URL: inDatabase(env.DATABASE_URL), DATABASE_MIGRATION_URL: inDatabase(env.DATABASE_MIGRATION_URL) };
}
