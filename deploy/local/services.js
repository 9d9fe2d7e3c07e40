#!/usr/bin/env node
/**
 * The four services as local processes.
 *
 *   node deploy/local/services.js up [names…]     build, start detached, wait until healthy
 *   node deploy/local/services.js down [names…]   SIGTERM (graceful), then wait
 *   node deploy/local/services.js start           foreground: all four in this terminal, Ctrl-C stops
 *   node deploy/local/services.js status
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

function portOf(name) {
  const env = process.env[`${name.toUpperCase().replace(/-/g, '_')}_PORT`];
  return env ? Number(env) : SERVICES[name].port;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function pidOf(name) {
  try {
    const pid = Number(fs.readFileSync(path.join(DIR, `${name}.pid`), 'utf8'));
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

async function waitHealthy(name, pid, timeoutMs = 90000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pid && !alive(pid)) return false;
    if (await healthy(portOf(name))) return true;
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

function envFor(name, extra = {}) {
  // only the audit service gets the file of the key it signs its checkpoints with
  const key = name === 'audit' ? { AUDIT_CHECKPOINT_KEY_FILE: require('./checkpoint-key').localCheckpointKey() } : {};
  const brokers = (process.env.KAFKA_BROKERS || '').split(',').filter(Boolean);
  // its own runtime role as DATABASE_URL and the migration role (deploy/local/database-roles.js), its own Kafka principal
  return {
    ...require('./database-roles').serviceEnvironment(name, process.env),
    PORT: String(portOf(name)),
    ...bus.agencyEnv(name, brokers),
    ...key,
    ...extra,
  };
}

function startDetached(name) {
  fs.mkdirSync(DIR, { recursive: true });
  const log = fs.openSync(path.join(DIR, `${name}.log`), 'a');
  const child = spawn(process.execPath, ['-r', path.join(ROOT, 'tools/register-paths.js'), path.join(ROOT, SERVICES[name].entry)], {
    cwd: ROOT,
    env: envFor(name),
    detached: true,
    stdio: ['ignore', log, log],
  });
  child.unref();
  fs.writeFileSync(path.join(DIR, `${name}.pid`), String(child.pid));
  return child.pid;
}

async function up(names) {
  const infra = require('./infra');
  const env = await infra.up();
  Object.assign(process.env, env);
  build();
  const started = [];
  for (const name of names) {
    const pid = pidOf(name);
    if (pid && (await healthy(portOf(name)))) {
      process.stderr.write(`[services] ${name} already running (pid ${pid}, port ${portOf(name)})\n`);
      continue;
    }
    started.push({ name, pid: startDetached(name) });
  }
  for (const { name, pid } of started) {
    if (!(await waitHealthy(name, pid))) {
      const tail = fs
        .readFileSync(path.join(DIR, `${name}.log`), 'utf8')
        .split('\n')
        .slice(-20)
        .join('\n');
      throw new Error(`${name} did not become healthy; the end of its log:\n${tail}`);
    }
    process.stderr.write(`[services] ${name} healthy on http://127.0.0.1:${portOf(name)} (pid ${pid})\n`);
  }
}

async function down(names) {
  for (const name of names) {
    const pid = pidOf(name);
    if (!pid) continue;
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 30000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(path.join(DIR, `${name}.pid`), { force: true });
    process.stderr.write(`[services] ${name} stopped\n`);
  }
}

async function foreground(names) {
  const infra = require('./infra');
  Object.assign(process.env, await infra.up());
  build();
  const children = names.map((name) => {
    const child = spawn(process.execPath, ['-r', path.join(ROOT, 'tools/register-paths.js'), path.join(ROOT, SERVICES[name].entry)], {
      cwd: ROOT,
      env: envFor(name),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      let buffer = '';
      stream.on('data', (chunk) => {
        buffer += chunk;
        const lines = buffer.split('\n');
        buffer = lines.pop();
        for (const line of lines) process.stdout.write(`${name.padEnd(18)} | ${line}\n`);
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
  for (const name of Object.keys(SERVICES))
    out[name] = { pid: pidOf(name) ?? null, port: portOf(name), healthy: await healthy(portOf(name)) };
  return out;
}

module.exports = { SERVICES, up, down, status, portOf, build };

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
