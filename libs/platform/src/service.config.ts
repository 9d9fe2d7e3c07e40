import { DEFAULT_PARTITIONS } from '@msb/contracts';
import { z } from 'zod';
import { databaseRoleProblems, LOCAL_MIGRATION_URL, localRuntimeUrl } from './database-roles.config';

/**
 * The one config loader: every setting a service reads comes from the environment,
 * is validated at start, and a bad value stops the service with a list of every problem.
 */
export const baseConfigSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535),
  HOST: z.string().default('127.0.0.1'),
  /** The runtime role (default: the local msb_<database>_app). */
  DATABASE_URL: z.string().url().optional(),
  /** The migration role, used at start only. */
  DATABASE_MIGRATION_URL: z.string().url().default(LOCAL_MIGRATION_URL),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(100).default(10),
  /** Postgres statement_timeout of the service's connections (0: none); migrations run without one. */
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(30000),
  /** Postgres idle_in_transaction_session_timeout of the service's connections (0: none). */
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(0).default(60000),
  // default: the local broker, 127.0.0.1:LOCAL_KAFKA_PORT (19092)
  KAFKA_BROKERS: z.string().min(1),
  // the agency's own Kafka user (SASL/SCRAM-SHA-512): the bus has no anonymous listener
  KAFKA_SASL_USERNAME: z.string({ error: "required: the agency's Kafka user" }).min(1),
  KAFKA_SASL_PASSWORD: z.string({ error: "required: the agency's Kafka password" }).min(1),
  KAFKA_SSL: z.enum(['true', 'false']).default('false'),
  TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/)
    .default(''),
  /** Most bytes one outbox send carries, below the broker's message.max.bytes (1 MiB by default). */
  OUTBOX_MAX_BATCH_BYTES: z.coerce.number().int().min(1024).default(1_000_000),
  /** Partitions of the event topics, as provisioned (a service refuses to start on another count). */
  TOPIC_PARTITIONS: z.coerce.number().int().min(1).default(DEFAULT_PARTITIONS),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  INSTANCE_ID: z.string().default(`${process.pid}`),
  /** Person-years a policy revision's recalculation recomputes per transaction. */
  RECALCULATION_BATCH_SIZE: z.coerce.number().int().min(1).max(10000).default(500),
  // GET /health/live and /health/ready (health.probes.ts)
  HEALTH_LIVE_MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(100).default(5000),
  HEALTH_READY_MAX_OUTBOX_AGE_SECONDS: z.coerce.number().int().min(1).default(60),
  HEALTH_READY_MAX_CONSUMER_LAG: z.coerce.number().int().min(0).default(10000),
  HEALTH_READY_CHECK_TIMEOUT_MS: z.coerce.number().int().min(100).default(2000),
  /** OTLP/HTTP base URL (spans go to <url>/v1/traces), or the traces URL itself; neither: tracing records and sends nothing. */
  /** basic-insurance: where 大病 and assistance answer previews (试算), and its own key for the service tokens it asks with. */
  CRITICAL_ILLNESS_URL: z.string().url().optional(),
  MEDICAL_ASSISTANCE_URL: z.string().url().optional(),
  SERVICE_TOKEN_KEY_FILE: z.string().min(1).optional(),
  SERVICE_TOKEN_ISSUER: z.string().min(1).optional(),
  /** How long a preview waits for each downstream payer's part before it says the part is missing. */
  PREVIEW_TIMEOUT_MS: z.coerce.number().int().min(100).max(30000).default(2000),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url().optional(),
});
export type BaseConfig = z.infer<typeof baseConfigSchema>;

export interface ServiceConfig extends BaseConfig {
  service: string;
  /** The full database URL: DATABASE_URL's server with this service's own database. */
  databaseUrl: string;
  /** The same database as the migration role (DATABASE_MIGRATION_URL). */
  migrationDatabaseUrl: string;
  brokers: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Load the config of `service`. DATABASE_URL (its runtime role) and DATABASE_MIGRATION_URL (the
 * migration role) name the server; when a URL has no database in its path, the service's own
 * database (`defaultDatabase`, or DATABASE_NAME) is used.
 */
export function loadConfig<S extends z.ZodObject>(
  service: string,
  defaults: { port: number; database: string },
  extra?: S,
  env: NodeJS.ProcessEnv = process.env,
): ServiceConfig & z.infer<S> {
  const schema = extra ? baseConfigSchema.extend(extra.shape) : baseConfigSchema;
  const localBroker = `127.0.0.1:${env.LOCAL_KAFKA_PORT || 19092}`;
  const parsed = schema.safeParse({ PORT: String(defaults.port), KAFKA_BROKERS: localBroker, ...env });
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const base = parsed.data as BaseConfig;
  const ownDatabase = (raw: string) => {
    const url = new URL(raw);
    if (url.pathname === '' || url.pathname === '/') url.pathname = `/${env.DATABASE_NAME ?? defaults.database}`;
    return url.toString();
  };
  const runtimeUrl = base.DATABASE_URL ?? localRuntimeUrl(defaults.database);
  const roles = databaseRoleProblems(runtimeUrl, base.DATABASE_MIGRATION_URL);
  if (roles.length > 0) throw new ConfigError(roles);
  return {
    ...(parsed.data as z.infer<S>),
    ...base,
    service,
    databaseUrl: ownDatabase(runtimeUrl),
    migrationDatabaseUrl: ownDatabase(base.DATABASE_MIGRATION_URL),
    brokers: base.KAFKA_BROKERS.split(',')
      .map((b) => b.trim())
      .filter(Boolean),
  };
}
