/**
 * The two database roles a service connects as (deploy/local/database-roles.js creates them
 * locally): the migration role, used at start only to create and migrate the database, and the
 * service's own runtime role, which it runs as. Locally: msb_migrator and msb_<service>_app.
 */
export const MIGRATION_ROLE = 'msb_migrator';
const LOCAL_SERVER = '127.0.0.1:5432';

/** The runtime role of the service whose database is `database` (msb_basic_insurance → msb_basic_insurance_app). */
export function runtimeRole(database: string): string {
  return `${database}_app`;
}

export const LOCAL_MIGRATION_URL = `postgres://${MIGRATION_ROLE}@${LOCAL_SERVER}`;

export function localRuntimeUrl(database: string): string {
  return `postgres://${runtimeRole(database)}@${LOCAL_SERVER}`;
}

/** What is wrong with the pair of URLs: each must name its role, and they must be two roles. */
export function databaseRoleProblems(runtimeUrl: string, migrationUrl: string): string[] {
  const role = (url: string) => decodeURIComponent(new URL(url).username);
  const problems: string[] = [];
  if (!role(runtimeUrl)) problems.push('DATABASE_URL: must name the service’s runtime role (postgres://role:password@host:port)');
  if (!role(migrationUrl)) problems.push('DATABASE_MIGRATION_URL: must name the migration role (postgres://role:password@host:port)');
  if (role(runtimeUrl) && role(runtimeUrl) === role(migrationUrl))
    problems.push('DATABASE_URL: must name the service’s runtime role, not the migration role of DATABASE_MIGRATION_URL');
  return problems;
}
