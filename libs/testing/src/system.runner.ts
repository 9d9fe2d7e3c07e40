import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { agencyEnv, deprovisionBus, provisionBus } from './bus.access';
import { dropDatabases } from './infra.setup';
import { serviceDatabaseEnv } from './database-roles.setup';
import { DEFAULT_ROLES, ServiceClient, SystemClients, waitUntilCaughtUp } from './http.client';
import { localIssuer, localTokens, TokenSource } from './token.source';
import { repoRoot } from './repo-root.path';
import { randomTag } from './scenario.driver';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureCheckpointKey } = require(join(repoRoot(), 'deploy/local/checkpoint-key.js')) as {
  ensureCheckpointKey: (file: string) => string;
};

export const SERVICE_NAMES = ['basic-insurance', 'critical-illness', 'medical-assistance', 'audit'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const CLIENT_KEY: Record<ServiceName, keyof SystemClients> = {
  'basic-insurance': 'basic',
  'critical-illness': 'criticalIllness',
  'medical-assistance': 'assistance',
  audit: 'audit',
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface TestSystemOptions {
  services?: readonly ServiceName[];
  env?: Record<string, string>;
  /** Keep databases and topics after stop (to inspect a failure). */
  keep?: boolean;
}

/**
 * The four services as real processes on real Kafka and Postgres, isolated from anything
 * else on the broker and server: their own topic prefix, databases and ports. For
 * end-to-end and fault tests; `kill` and `restart` act on one service's process.
 */
export class TestSystem {
  readonly clients: SystemClients;
  /** Tokens from the local issuer, which the system's services trust. */
  readonly tokens: TokenSource = localTokens();
  private readonly trustedIssuers = localIssuer().trustedIssuersFile;
  private readonly processes = new Map<ServiceName, ChildProcess>();
  private readonly root = repoRoot();

  private constructor(
    readonly tag: string,
    readonly ports: Record<ServiceName, number>,
    private readonly options: TestSystemOptions,
  ) {
    const client = (name: ServiceName) =>
      new ServiceClient(`http://127.0.0.1:${ports[name]}`, { tokens: this.tokens, identity: { role: DEFAULT_ROLES[CLIENT_KEY[name]] } });
    this.clients = {
      basic: client('basic-insurance'),
      criticalIllness: client('critical-illness'),
      assistance: client('medical-assistance'),
      audit: client('audit'),
    };
  }

  get services(): readonly ServiceName[] {
    return this.options.services ?? SERVICE_NAMES;
  }

  get topicPrefix(): string {
    return `t${this.tag}`;
  }

  get logDir(): string {
    return join(this.root, 'tmp', 'systems', this.tag);
  }

  /** The system's own key for the audit log's signed checkpoints (made at start). */
  get checkpointKeyFile(): string {
    return join(this.logDir, 'audit-checkpoint-key.pem');
  }

  databaseName(name: ServiceName): string {
    return `msb_t${this.tag}_${name.replace(/-/g, '_')}`;
  }

  /** A connection URL to a service's database (for tests that look inside). */
  databaseUrl(name: ServiceName): string {
    const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432');
    url.pathname = `/${this.databaseName(name)}`;
    return url.toString();
  }

  static async start(options: TestSystemOptions = {}): Promise<TestSystem> {
    const services = options.services ?? SERVICE_NAMES;
    const ports = {} as Record<ServiceName, number>;
    for (const name of SERVICE_NAMES) ports[name] = await freePort();
    const system = new TestSystem(randomTag(6), ports, options);
    mkdirSync(system.logDir, { recursive: true });
    ensureCheckpointKey(system.checkpointKeyFile);
    await provisionBus(system.topicPrefix); // services do not create topics: the admin provisions them and their ACLs first
    await Promise.all(services.map((name) => system.spawn(name)));
    try {
      await Promise.all(services.map((name) => system.waitHealthy(name)));
    } catch (error) {
      await system.stop().catch(() => undefined); // leave no process behind
      throw error;
    }
    return system;
  }

  /**
   * One more instance of a service beside the system, with its own empty database (e.g. an
   * audit rebuilt from the topics). Stopped and its database dropped by `stop()` of the result.
   */
  async startInstance(name: ServiceName, suffix: string): Promise<{ client: ServiceClient; stop: () => Promise<void> }> {
    const port = await freePort();
    const database = `${this.databaseName(name)}_${suffix}`;
    const child = this.launch(name, `${name}-${suffix}`, {
      PORT: String(port),
      DATABASE_NAME: database,
      INSTANCE_ID: `${this.tag}-${name}-${suffix}`,
    });
    const client = new ServiceClient(`http://127.0.0.1:${port}`, {
      tokens: this.tokens,
      identity: { role: DEFAULT_ROLES[CLIENT_KEY[name]] },
    });
    const deadline = Date.now() + 60000;
    while ((await client.get('/health').catch(() => undefined))?.status !== 200) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${name}-${suffix} did not start; see ${this.logDir}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return {
      client,
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await exited;
        }
        if (!this.options.keep) await dropDatabases([database]);
      },
    };
  }

  private spawn(name: ServiceName): void {
    this.processes.set(name, this.launch(name, name, {}));
  }

  private launch(name: ServiceName, logName: string, env: Record<string, string>): ChildProcess {
    const log = createWriteStream(join(this.logDir, `${logName}.log`), { flags: 'a' });
    const nodeArgs = (process.env.SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean); // e.g. --cpu-prof for profiling
    const child = spawn(
      process.execPath,
      [...nodeArgs, '-r', join(this.root, 'tools/register-paths.js'), join(this.root, `dist/apps/${name}/src/main.js`)],
      {
        cwd: this.root,
        env: {
          ...process.env,
          ...serviceDatabaseEnv(name), // its runtime role and the migration role, never the administrator
          PORT: String(this.ports[name]),
          DATABASE_NAME: this.databaseName(name),
          TOPIC_PREFIX: this.topicPrefix,
          ...agencyEnv(name),
          INSTANCE_ID: `${this.tag}-${name}`,
          AUTH_TRUSTED_ISSUERS: this.trustedIssuers,
          LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
          ...(name === 'audit' ? { AUDIT_CHECKPOINT_KEY_FILE: this.checkpointKeyFile } : {}),
          ...this.options.env,
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    return child;
  }

  async waitHealthy(name: ServiceName, timeoutMs = 60000): Promise<void> {
    const client = this.client(name);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const child = this.processes.get(name);
      if (child && child.exitCode !== null)
        throw new Error(`${name} exited with ${child.exitCode}; see ${join(this.logDir, `${name}.log`)}`);
      const health = await client.get('/health').catch(() => undefined);
      if (health?.status === 200) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${name} did not become healthy within ${timeoutMs} ms; see ${join(this.logDir, `${name}.log`)}`);
  }

  client(name: ServiceName): ServiceClient {
    return this.clients[CLIENT_KEY[name]];
  }

  /** Wait until every running service has caught up (no lag, empty outbox, no recalculation). */
  caughtUp(timeoutMs = 120000): Promise<void> {
    return waitUntilCaughtUp(
      this.services.map((n) => this.client(n)),
      timeoutMs,
    );
  }

  /** Kill a service's process (SIGKILL by default: a crash) and wait for it to be gone. */
  async kill(
    name: ServiceName,
    signal: NodeJS.Signals = 'SIGKILL',
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; alreadyExited: boolean }> {
    const child = this.processes.get(name);
    if (!child) return { code: null, signal: null, alreadyExited: true };
    if (child.exitCode !== null || child.signalCode !== null)
      return { code: child.exitCode, signal: child.signalCode, alreadyExited: true };
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((r) => child.once('exit', (code, sig) => r([code, sig])));
    child.kill(signal);
    const [code, sig] = await exited;
    return { code, signal: sig, alreadyExited: false };
  }

  async restart(name: ServiceName): Promise<void> {
    await this.kill(name);
    this.spawn(name);
    await this.waitHealthy(name);
  }

  /** Graceful stop of everything; then the system's databases and topics are removed. */
  async stop(): Promise<void> {
    await Promise.all(
      [...this.processes.keys()].map(async (name) => {
        const child = this.processes.get(name)!;
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
        await exited;
        clearTimeout(timer);
      }),
    );
    if (this.options.keep) return;
    await dropDatabases(SERVICE_NAMES.map((n) => this.databaseName(n)));
    await deprovisionBus(this.topicPrefix);
  }
}
