#!/usr/bin/env node
/**
 * The four services as local processes.
 *
 *   node deploy/local/services.js up [names…]     build, start detached, wait until healthy
 *   node deploy/local/services.js down [names…]   SIGTERM (graceful), then wait
 *   node deploy/local/services.js start           foreground: all four in this terminal, Ctrl-C stops
 *   node deploy/local/services.js status
 *
 * REPLICAS=N (default 1) runs N instances of every service: replica i listens on the service's port
 * + 10·i (3001, 3011, …), with the same database, topic prefix and Kafka consumer groups, its own
 * INSTANCE_ID (<service>-<i>), log and pid file (<service>.log for replica 0, <service>-<i>.log for
 * the others). `down` stops every replica it finds, whatever REPLICAS says.
 *
 * Logs and pid files: deploy/local/.runtime/services/. Environment: KAFKA_BROKERS,
 * DATABASE_URL (the server, as an administrator: infra makes the roles there; each service gets its
 * runtime role's URL as DATABASE_URL and the migration role's as DATABASE_MIGRATION_URL), TOPIC_PREFIX,
 * and per service PORT is fixed by SERVICES below unless <NAME>_PORT is set (BASIC_INSURANCE_PORT…);
 * audit gets AUDIT_CHECKPOINT_KEY_FILE (its own, else deploy/local/.runtime/audit/checkpoint-key.pem,
 * made by checkpoint-key.js)
 * Each service is handed its own agency's Kafka credentials (KAFKA_SASL_USERNAME,
 * KAFKA_SASL_PASSWORD) and no other.
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const bus = require('./bus');

const ROOT = path.resolve(__dirname, '../..');
const DIR = path.join(__dirname, '.runtime', 'services');

const SERVICES = {
  'basic-insurance': { port: 3001, entry: 'dist/apps/basic-insurance/src/main.js' },
  'critical-illness': { port: 3002, entry: 'dist/apps/critical-illness/src/main.js' },
  'medical-assistance': { port: 3003, entry: 'dist/apps/medical-assistance/src/main.js' },
  audit: { port: 3004, entry: 'dist/apps/audit/src/main.js' },
};

function portOf(name, replica = 0) {
  const env = process.env[`${name.toUpperCase().replace(/-/g, '_')}_PORT`];
  return (env ? Number(env) : SERVICES[name].port) + 10 * replica;
}

/** REPLICAS: instances of every service (1 unless set). */
function replicaCount() {
  const raw = process.env.REPLICAS ?? '1';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 9) throw new Error(`REPLICAS must be an integer from 1 to 9, not ${raw}`);
  return n;
}

/** The file name of a replica's log and pid: replica 0 keeps the service's own name. */
function instanceName(name, replica) {
  return replica === 0 ? name : `${name}-${replica}`;
}

/** The replicas of a service that have a pid file, whatever REPLICAS says now. */
function knownReplicas(name) {
  let files = [];
  try {
    files = fs.readdirSync(DIR);
  } catch {
    return [];
  }
  const found = new Set();
  for (const f of files) {
    if (f === `${name}.pid`) found.add(0);
    const m = new RegExp(`^${name}-(\\d+)\\.pid$`).exec(f);
    if (m) found.add(Number(m[1]));
  }
  return [...found].sort((a, b) => a - b);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function pidOf(name, replica = 0) {
  try {
    const pid = Number(fs.readFileSync(path.join(DIR, `${instanceName(name, replica)}.pid`), 'utf8'));
    return pid && alive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function build() {
  const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('build failed');
}

async function healthy(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

async function waitHealthy(name, pid, timeoutMs = 90000, replica = 0) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pid && !alive(pid)) return false;
    if (await healthy(portOf(name, replica))) return true;
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

function envFor(name, replica = 0, replicas = 1) {
  // only the audit service gets the file of the key it signs its checkpoints with
  const key = name === 'audit' ? { AUDIT_CHECKPOINT_KEY_FILE: require('./checkpoint-key').localCheckpointKey() } : {};
  const brokers = (process.env.KAFKA_BROKERS || '').split(',').filter(Boolean);
  // its own runtime role as DATABASE_URL and the migration role (deploy/local/database-roles.js), its own Kafka principal
  return {
    ...require('./database-roles').serviceEnvironment(name, process.env),
    PORT: String(portOf(name, replica)),
    ...bus.agencyEnv(name, brokers),
    ...key,
    // basic asks 大病 and assistance for their parts of a preview (试算), with its own service key
    ...(name === 'basic-insurance'
      ? {
          ...require('./issuer').localAuthEnv(name),
          CRITICAL_ILLNESS_URL: `http://127.0.0.1:${portOf('critical-illness', 0)}`,
          MEDICAL_ASSISTANCE_URL: `http://127.0.0.1:${portOf('medical-assistance', 0)}`,
        }
      : {}),
    // one instance keeps the default (its pid); several are told apart by name
    ...(replicas > 1 || replica > 0 ? { INSTANCE_ID: `${name}-${replica}` } : {}),
  };
}

function startDetached(name, replica = 0, replicas = 1) {
  fs.mkdirSync(DIR, { recursive: true });
  const instance = instanceName(name, replica);
  const log = fs.openSync(path.join(DIR, `${instance}.log`), 'a');
  const child = spawn(process.execPath, ['-r', path.join(ROOT, 'tools/register-paths.js'), path.join(ROOT, SERVICES[name].entry)], {
    cwd: ROOT,
    env: envFor(name, replica, replicas),
    detached: true,
    stdio: ['ignore', log, log],
  });
  child.unref();
  fs.writeFileSync(path.join(DIR, `${instance}.pid`), String(child.pid));
  return child.pid;
}

async function up(names) {
  const replicas = replicaCount();
  const infra = require('./infra');
  const env = await infra.up();
  Object.assign(process.env, env);
  build();
  const started = [];
  for (const name of names) {
    for (let replica = 0; replica < replicas; replica++) {
      const pid = pidOf(name, replica);
      const instance = instanceName(name, replica);
      if (pid && (await healthy(portOf(name, replica)))) {
        process.stderr.write(`[services] ${instance} already running (pid ${pid}, port ${portOf(name, replica)})\n`);
        continue;
      }
      // the replicas of a service start together: their migrations take turns on the database's lock
      started.push({ name, replica, instance, pid: startDetached(name, replica, replicas) });
    }
  }
  for (const { name, replica, instance, pid } of started) {
    if (!(await waitHealthy(name, pid, 90000, replica))) {
      const tail = fs
        .readFileSync(path.join(DIR, `${instance}.log`), 'utf8')
        .split('\n')
        .slice(-20)
        .join('\n');
      throw new Error(`${instance} did not become healthy; the end of its log:\n${tail}`);
    }
    process.stderr.write(`[services] ${instance} healthy on http://127.0.0.1:${portOf(name, replica)} (pid ${pid})\n`);
  }
}

async function stopOne(name, replica) {
  const instance = instanceName(name, replica);
  const pid = pidOf(name, replica);
  if (pid) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 30000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  fs.rmSync(path.join(DIR, `${instance}.pid`), { force: true });
  if (pid) process.stderr.write(`[services] ${instance} stopped\n`);
}

/** Stop every replica of each service (all the replicas of one service at once, services in the order given). */
async function down(names) {
  for (const name of names) await Promise.all(knownReplicas(name).map((replica) => stopOne(name, replica)));
}

async function foreground(names) {
  const replicas = replicaCount();
  const infra = require('./infra');
  Object.assign(process.env, await infra.up());
  build();
  const instances = names.flatMap((name) => Array.from({ length: replicas }, (_, replica) => ({ name, replica })));
  const children = instances.map(({ name: service, replica }) => {
    const name = instanceName(service, replica);
    const child = spawn(process.execPath, ['-r', path.join(ROOT, 'tools/register-paths.js'), path.join(ROOT, SERVICES[service].entry)], {
      cwd: ROOT,
      env: envFor(service, replica, replicas),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      let buffer = '';
      stream.on('data', (chunk) => {
        buffer += chunk;
        const lines = buffer.split('\n');
        buffer = lines.pop();
        for (const line of lines) process.stdout.write(`${name.padEnd(20)} | ${line}\n`);
      });
    }
    return child;
  });
  const stop = () => children.forEach((c) => c.kill('SIGTERM'));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await Promise.all(children.map((c) => new Promise((r) => c.on('exit', r))));
}

async function status() {
  const out = {};
  for (const name of Object.keys(SERVICES)) {
    const replicas = [...new Set([0, ...knownReplicas(name)])];
    for (const replica of replicas)
      out[instanceName(name, replica)] = {
        pid: pidOf(name, replica) ?? null,
        port: portOf(name, replica),
        healthy: await healthy(portOf(name, replica)),
      };
  }
  return out;
}

module.exports = { SERVICES, up, down, status, portOf, replicaCount, build };

if (require.main === module) {
  const [command = 'up', ...rest] = process.argv.slice(2);
  const names = rest.length ? rest : Object.keys(SERVICES);
  const actions = { up: () => up(names), down: () => down([...names].reverse()), start: () => foreground(names), status };
  if (!actions[command]) {
    process.stderr.write('usage: services.js up|down|start|status [service…]\n');
    process.exit(2);
  }
  actions[command]()
    .then((r) => r && process.stdout.write(`${JSON.stringify(r, null, 2)}\n`))
    .catch((e) => {
      process.stderr.write(`[services] ${e.message}\n`);
      process.exit(1);
    });
}
