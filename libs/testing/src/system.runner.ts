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
  /**
   * Instances of every service (default 1). The replicas of a service share its database, topic
   * prefix and consumer groups; each has its own port, INSTANCE_ID and log file.
   */
  replicas?: number;
}

/** The environment variable through which the e2e global setup hands its shared system to the specs. */
export const SHARED_SYSTEM_ENV = 'E2E_SHARED_SYSTEM';

/** A running system as another context sees it: its tag (topics, databases), ports and options. */
export interface SharedSystemDescription {
  tag: string;
  ports: Record<ServiceName, number>;
  replicaPorts: Record<ServiceName, number[]>;
  options: TestSystemOptions;
}

/** One process of one replica of a service, as the system last started it. */
interface Replica {
  child: ChildProcess;
  paused: boolean;
}

/** What `kill` found and did. */
export interface KillResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  alreadyExited: boolean;
}

const gone = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/**
 * The four services as real processes on real Kafka and Postgres, isolated from anything
 * else on the broker and server: their own topic prefix, databases and ports. For
 * end-to-end and fault tests; `kill`, `restart`, `pause` and `resume` act on one replica's
 * process (replica 0 unless told). `clients` and `client(name)` call replica 0;
 * `replicaClient(name, i)` and `replicaClients(i)` another one.
 */
export class TestSystem {
  readonly clients: SystemClients;
  /** Tokens from the local issuer, which the system's services trust. */
  readonly tokens: TokenSource = localTokens();
  private readonly trustedIssuers = localIssuer().trustedIssuersFile;
  private readonly processes = new Map<ServiceName, Replica[]>();
  private readonly root = repoRoot();
  private readonly replicaClientSets: SystemClients[];

  /** A system another part of the run started and stops (the e2e run's shared one): not this spec's to kill or stop. */
  private attached = false;

  private constructor(
    readonly tag: string,
    /** Replica 0's port of each service. */
    readonly ports: Record<ServiceName, number>,
    /** Every replica's port of each service, replica 0 first. */
    readonly replicaPorts: Record<ServiceName, number[]>,
    private readonly options: TestSystemOptions,
  ) {
    const clientsOn = (replica: number): SystemClients => {
      const client = (name: ServiceName) =>
        new ServiceClient(`http://127.0.0.1:${replicaPorts[name][replica]}`, {
          tokens: this.tokens,
          identity: { role: DEFAULT_ROLES[CLIENT_KEY[name]] },
        });
      return {
        basic: client('basic-insurance'),
        criticalIllness: client('critical-illness'),
        assistance: client('medical-assistance'),
        audit: client('audit'),
      };
    };
    this.replicaClientSets = Array.from({ length: this.replicas }, (_, i) => clientsOn(i));
    this.clients = this.replicaClientSets[0];
  }

  get services(): readonly ServiceName[] {
    return this.options.services ?? SERVICE_NAMES;
  }

  /** Instances of each service. */
  get replicas(): number {
    return this.options.replicas ?? 1;
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

  /** The INSTANCE_ID a replica runs with (its Kafka client id, the name /status and recalculation batches show). */
  instanceId(name: ServiceName, replica = 0): string {
    return replica === 0 ? `${this.tag}-${name}` : `${this.tag}-${name}-${replica}`;
  }

  /** A replica's log file. */
  logFile(name: ServiceName, replica = 0): string {
    return join(this.logDir, `${replica === 0 ? name : `${name}-${replica}`}.log`);
  }

  /** What a spec needs to use this system from another context (see `shared`). */
  describe(): SharedSystemDescription {
    return { tag: this.tag, ports: this.ports, replicaPorts: this.replicaPorts, options: { ...this.options, keep: undefined } };
  }

  /**
   * The end-to-end run's shared system (started once by the e2e global setup, `E2E_SHARED_SYSTEM`),
   * else a system of the spec's own. For specs that keep to their own ids (IdMap) and neither kill
   * nor count the whole system: `stop()` of the shared one leaves it running for the next spec.
   */
  static async shared(): Promise<TestSystem> {
    const given = process.env[SHARED_SYSTEM_ENV];
    if (!given) return TestSystem.start();
    const d = JSON.parse(given) as SharedSystemDescription;
    const system = new TestSystem(d.tag, d.ports, d.replicaPorts, d.options);
    system.attached = true;
    await Promise.all(system.services.map((name) => system.waitReady(name, 60000)));
    return system;
  }

  static async start(options: TestSystemOptions = {}): Promise<TestSystem> {
    const services = options.services ?? SERVICE_NAMES;
    const replicas = options.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`replicas must be a positive integer, not ${replicas}`);
    const replicaPorts = {} as Record<ServiceName, number[]>;
    for (const name of SERVICE_NAMES) {
      replicaPorts[name] = [];
      for (let i = 0; i < replicas; i++) replicaPorts[name].push(await freePort());
    }
    const ports = Object.fromEntries(SERVICE_NAMES.map((n) => [n, replicaPorts[n][0]])) as Record<ServiceName, number>;
    const system = new TestSystem(randomTag(6), ports, replicaPorts, options);
    mkdirSync(system.logDir, { recursive: true });
    ensureCheckpointKey(system.checkpointKeyFile);
    await provisionBus(system.topicPrefix); // services do not create topics: the admin provisions them and their ACLs first
    // every replica at once: they migrate the same database at the same moment, as a rollout would
    for (const name of services) for (let i = 0; i < replicas; i++) system.spawn(name, i);
    try {
      // many processes starting at once on a busy machine: give each replica its minute
      await Promise.all(services.map((name) => system.waitHealthy(name, 60000 * replicas)));
      // and return once every replica's consumers have joined their groups (GET /health/ready)
      await Promise.all(services.map((name) => system.waitReady(name, 60000)));
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
    const child = this.launch(name, join(this.logDir, `${name}-${suffix}.log`), {
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
        if (!gone(child)) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await exited;
        }
        if (!this.options.keep) await dropDatabases([database]);
      },
    };
  }

  private replica(name: ServiceName, replica: number): Replica | undefined {
    if (!Number.isInteger(replica) || replica < 0 || replica >= this.replicas)
      throw new Error(`${name} has replicas 0..${this.replicas - 1}, not ${replica}`);
    return this.processes.get(name)?.[replica];
  }

  private own(what: string): void {
    if (this.attached) throw new Error(`the shared system is not this spec's to ${what}: start a system of its own (TestSystem.start)`);
  }

  private spawn(name: ServiceName, replica: number): void {
    const child = this.launch(name, this.logFile(name, replica), {
      PORT: String(this.replicaPorts[name][replica]),
      INSTANCE_ID: this.instanceId(name, replica),
    });
    let list = this.processes.get(name);
    if (!list) this.processes.set(name, (list = []));
    list[replica] = { child, paused: false };
  }

  /** What basic needs to ask 大病 and assistance for their parts of a preview: its service key and where they answer. */
  private previewEnv(): Record<string, string> {
    const own = localIssuer().services['basic-insurance'];
    return {
      SERVICE_TOKEN_KEY_FILE: own.keyFile,
      SERVICE_TOKEN_ISSUER: own.issuer,
      CRITICAL_ILLNESS_URL: `http://127.0.0.1:${this.ports['critical-illness']}`,
      MEDICAL_ASSISTANCE_URL: `http://127.0.0.1:${this.ports['medical-assistance']}`,
    };
  }

  private launch(name: ServiceName, logFile: string, env: Record<string, string>): ChildProcess {
    const log = createWriteStream(logFile, { flags: 'a' });
    const nodeArgs = (process.env.SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean); // e.g. --cpu-prof for profiling
    const child = spawn(
      process.execPath,
      [...nodeArgs, '-r', join(this.root, 'tools/register-paths.js'), join(this.root, `dist/apps/${name}/src/main.js`)],
      {
        cwd: this.root,
        env: {
          ...process.env,
          ...serviceDatabaseEnv(name), // its runtime role and the migration role, never the administrator
          DATABASE_NAME: this.databaseName(name),
          TOPIC_PREFIX: this.topicPrefix,
          ...agencyEnv(name),
          AUTH_TRUSTED_ISSUERS: this.trustedIssuers,
          ...(name === 'basic-insurance' ? this.previewEnv() : {}),
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

  /** Wait until a replica answers GET /health with 200 (no replica given: every replica not killed or paused). */
  waitHealthy(name: ServiceName, timeoutMs = 60000, replica?: number): Promise<void> {
    return this.waitFor('/health', 'healthy', name, timeoutMs, replica);
  }

  /** Wait until a replica answers GET /health/ready with 200: its consumers joined, database, outbox and lag fine. */
  waitReady(name: ServiceName, timeoutMs = 60000, replica?: number): Promise<void> {
    return this.waitFor('/health/ready', 'ready', name, timeoutMs, replica);
  }

  private async waitFor(path: string, what: string, name: ServiceName, timeoutMs: number, replica?: number): Promise<void> {
    if (replica === undefined) {
      const live = Array.from({ length: this.replicas }, (_, i) => i).filter((i) => {
        const r = this.processes.get(name)?.[i];
        return r !== undefined && !gone(r.child) && !r.paused;
      });
      await Promise.all((live.length > 0 ? live : [0]).map((i) => this.waitFor(path, what, name, timeoutMs, i)));
      return;
    }
    const client = this.replicaClient(name, replica).anonymous();
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      const child = this.replica(name, replica)?.child;
      if (child && child.exitCode !== null)
        throw new Error(`${name} (replica ${replica}) exited with ${child.exitCode}; see ${this.logFile(name, replica)}`);
      const answer = await client.get(path).catch(() => undefined);
      if (answer?.status === 200) return;
      last = answer?.body;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(
      `${name} (replica ${replica}) did not become ${what} within ${timeoutMs} ms (last: ${JSON.stringify(last) ?? 'no answer'}); see ${this.logFile(name, replica)}`,
    );
  }

  /** Replica 0's client of a service. */
  client(name: ServiceName): ServiceClient {
    return this.clients[CLIENT_KEY[name]];
  }

  /** The client of one replica of a service, as the agency's default identity (like `clients`). */
  replicaClient(name: ServiceName, replica: number): ServiceClient {
    this.replica(name, replica); // checks the index
    return this.replicaClientSets[replica][CLIENT_KEY[name]];
  }

  /** The clients of one replica of every service, in the shape of `clients` (e.g. for applyStep). */
  replicaClients(replica: number): SystemClients {
    if (!Number.isInteger(replica) || replica < 0 || replica >= this.replicas)
      throw new Error(`replicas are 0..${this.replicas - 1}, not ${replica}`);
    return this.replicaClientSets[replica];
  }

  /** The process id of a replica, while its process runs (paused included). */
  pid(name: ServiceName, replica = 0): number | undefined {
    const r = this.replica(name, replica);
    return r && !gone(r.child) ? r.child.pid : undefined;
  }

  /** Whether a replica's process runs and is not paused. */
  isRunning(name: ServiceName, replica = 0): boolean {
    if (this.attached) return this.services.includes(name); // its processes belong to the run, which keeps them up
    const r = this.replica(name, replica);
    return r !== undefined && !gone(r.child) && !r.paused;
  }

  /** Every replica of the system's services whose process runs and is not paused. */
  runningReplicas(): { name: ServiceName; replica: number }[] {
    return this.services.flatMap((name) =>
      Array.from({ length: this.replicas }, (_, replica) => ({ name, replica })).filter((r) => this.isRunning(r.name, r.replica)),
    );
  }

  /** Wait until every running replica has caught up (no lag, empty outbox, no recalculation). */
  caughtUp(timeoutMs = 120000): Promise<void> {
    return waitUntilCaughtUp(
      this.runningReplicas().map((r) => this.replicaClient(r.name, r.replica)),
      timeoutMs,
    );
  }

  /** Kill a replica's process (SIGKILL by default: a crash) and wait for it to be gone; a paused one is resumed to take the signal. */
  async kill(name: ServiceName, signal: NodeJS.Signals = 'SIGKILL', replica = 0): Promise<KillResult> {
    this.own('kill');
    const r = this.replica(name, replica);
    if (!r) return { code: null, signal: null, alreadyExited: true };
    const { child } = r;
    if (gone(child)) return { code: child.exitCode, signal: child.signalCode, alreadyExited: true };
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((res) => child.once('exit', (code, sig) => res([code, sig])));
    child.kill(signal);
    if (r.paused && signal !== 'SIGKILL') child.kill('SIGCONT');
    r.paused = false;
    const [code, sig] = await exited;
    return { code, signal: sig, alreadyExited: false };
  }

  /** Kill a replica (SIGKILL) and start it again on its port, with its INSTANCE_ID; waits until it is healthy. */
  async restart(name: ServiceName, replica = 0, timeoutMs = 120000): Promise<void> {
    this.own('restart');
    await this.kill(name, 'SIGKILL', replica);
    this.spawn(name, replica);
    await this.waitHealthy(name, timeoutMs, replica);
  }

  /** Freeze a replica (SIGSTOP): it holds its connections, locks and partitions and answers nothing. */
  pause(name: ServiceName, replica: number): void {
    this.own('pause');
    const r = this.replica(name, replica);
    if (!r || gone(r.child)) throw new Error(`${name} (replica ${replica}) is not running`);
    if (r.paused) return;
    r.child.kill('SIGSTOP');
    r.paused = true;
  }

  /** Let a paused replica go on (SIGCONT). */
  resume(name: ServiceName, replica: number): void {
    const r = this.replica(name, replica);
    if (!r || gone(r.child) || !r.paused) return;
    r.child.kill('SIGCONT');
    r.paused = false;
  }

  /** Graceful stop of everything (paused replicas resumed first); then the system's databases and topics are removed. */
  async stop(): Promise<void> {
    if (this.attached) return; // the run stops the shared system after its last spec
    await Promise.all(
      [...this.processes.values()].flat().map(async (r) => {
        const { child } = r;
        if (gone(child)) return;
        const exited = new Promise((res) => child.once('exit', res));
        child.kill('SIGTERM');
        if (r.paused) child.kill('SIGCONT');
        r.paused = false;
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
