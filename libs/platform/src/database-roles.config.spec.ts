import { ConfigError, loadConfig } from './service.config';

/** The two database URLs of a service: its runtime role and the migration role, each in the service's own database. */
describe('the database roles a service connects as', () => {
  const defaults = { port: 3001, database: 'msb_basic_insurance' };
  // the agency's Kafka principal is required too; these cases are about the database URLs
  const kafka = { KAFKA_SASL_USERNAME: 'basic-insurance', KAFKA_SASL_PASSWORD: 'not-used-here' };

  it('defaults to the local runtime role msb_<database>_app and the local migration role, in the service’s database', () => {
    const config = loadConfig('basic-insurance', defaults, undefined, { ...kafka });
    expect(config.databaseUrl).toBe('postgres://msb_basic_insurance_app@127.0.0.1:5432/msb_basic_insurance');
    expect(config.migrationDatabaseUrl).toBe('postgres://msb_migrator@127.0.0.1:5432/msb_basic_insurance');
  });

  it('puts both in DATABASE_NAME when the URLs name no database', () => {
    const config = loadConfig('basic-insurance', defaults, undefined, {
      ...kafka,
      DATABASE_URL: 'postgres://app:secret@db.example:5433',
      DATABASE_MIGRATION_URL: 'postgres://owner:other@db.example:5433',
      DATABASE_NAME: 'msb_t1_basic',
    });
    expect(config.databaseUrl).toBe('postgres://app:secret@db.example:5433/msb_t1_basic');
    expect(config.migrationDatabaseUrl).toBe('postgres://owner:other@db.example:5433/msb_t1_basic');
  });

  it('refuses to run as the migration role, or as a URL that names no role', () => {
    const problems = (env: NodeJS.ProcessEnv) => {
      try {
        loadConfig('basic-insurance', defaults, undefined, { ...kafka, ...env });
        return [];
      } catch (e) {
        return (e as ConfigError).problems;
      }
    };
    expect(problems({ DATABASE_URL: 'postgres://msb_migrator@127.0.0.1:5432' })).toEqual([
      'DATABASE_URL: must name the service’s runtime role, not the migration role of DATABASE_MIGRATION_URL',
    ]);
    expect(problems({ DATABASE_URL: 'postgres://127.0.0.1:5432', DATABASE_MIGRATION_URL: 'postgres://127.0.0.1:5432' })).toEqual([
      'DATABASE_URL: must name the service’s runtime role (postgres://role:password@host:port)',
      'DATABASE_MIGRATION_URL: must name the migration role (postgres://role:password@host:port)',
    ]);
  });
});
