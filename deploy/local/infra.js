#!/usr/bin/env node
/**
 * Local infrastructure without Docker: a real single-node Kafka broker in KRaft mode from
 * the official Apache Kafka jars (resolved from Maven Central), and the Postgres server
 * named by DATABASE_URL with one database per service.
 *
 *   node deploy/local/infra.js up      start what is missing (reuses a running broker)
 *   node deploy/local/infra.js down    stop the local broker
 *   node deploy/local/infra.js status  what is running
 *
 * KAFKA_BROKERS set: that broker is used and nothing is started.
 * LOCAL_KAFKA_PORT (default 19092; the controller listens on the next port).
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const crypto = require('node:crypto');

const ROOT = path.resolve(__dirname, '../..');
const RUNTIME = path.join(__dirname, '.runtime');
const KAFKA_DIR = path.join(RUNTIME, 'kafka');
const KAFKA_LIB = path.join(KAFKA_DIR, 'lib');
const KAFKA_DATA = path.join(KAFKA_DIR, 'data');
const PID_FILE = path.join(KAFKA_DIR, 'kafka.pid');
const LOG_FILE = path.join(KAFKA_DIR, 'kafka.log');
const POM = path.join(__dirname, 'kafka', 'pom.xml');
const KAFKA_PORT = Number(process.env.LOCAL_KAFKA_PORT || 19092);
const CONTROLLER_PORT = KAFKA_PORT + 1;
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432';
const SERVICE_DATABASES = ['msb_basic_insurance', 'msb_critical_illness', 'msb_medical_assistance', 'msb_audit'];

class InfraError extends Error {}

function say(message) {
  if (!process.env.INFRA_QUIET) process.stderr.write(`[infra] ${message}\n`);
}

function has(command, args = ['-version']) {
  const r = spawnSync(command, args, { stdio: 'ignore' });
  return r.status === 0;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readPid() {
  try {
    const pid = Number(fs.readFileSync(PID_FILE, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function portOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/** True when a Kafka broker answers a metadata request at `brokers`. */
async function brokerAnswers(brokers, timeoutMs = 3000) {
  const { Kafka, logLevel } = require('kafkajs');
  const admin = new Kafka({
    clientId: 'infra-check',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function resolveJars() {
  const marker = path.join(KAFKA_LIB, '.resolved-from');
  const pom = fs.readFileSync(POM, 'utf8');
  const digest = crypto.createHash('sha256').update(pom).digest('hex');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === digest) return;
  if (!has('mvn', ['-v'])) {
    throw new InfraError(
      'Maven (mvn) is needed once to fetch the Kafka jars from Maven Central. Install Maven 3.8+ (apt-get install maven), or set KAFKA_BROKERS=host:port to use a broker you already run.',
    );
  }
  say('resolving Apache Kafka jars from Maven Central (once)…');
  fs.rmSync(KAFKA_LIB, { recursive: true, force: true });
  fs.mkdirSync(KAFKA_LIB, { recursive: true });
  const r = spawnSync(
    'mvn',
    [
      '-q',
      '-B',
      '-Dstyle.color=never',
      '-f',
      POM,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${KAFKA_LIB}`,
      '-DincludeScope=runtime',
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (r.status !== 0)
    throw new InfraError(`mvn could not resolve the Kafka jars (exit ${r.status}); check that Maven Central is reachable`);
  fs.writeFileSync(marker, digest);
}

function serverProperties() {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${CONTROLLER_PORT}`,
    `listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORT},CONTROLLER://127.0.0.1:${CONTROLLER_PORT}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORT}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${KAFKA_DATA}`,
    'num.partitions=6',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=12',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=4',
    'auto.create.topics.enable=false',
    'delete.topic.enable=true',
    'group.initial.rebalance.delay.ms=0',
    'num.network.threads=2',
    'num.io.threads=4',
    'log.retention.hours=168',
    '',
  ].join('\n');
}

async function startKafka() {
  if (!has('java')) {
    throw new InfraError(
      'Java 17+ is needed to run the local Kafka broker. Install a JDK (apt-get install openjdk-17-jre-headless), or set KAFKA_BROKERS=host:port to use a broker you already run.',
    );
  }
  const brokers = [`127.0.0.1:${KAFKA_PORT}`];
  const running = readPid();
  if (running && (await waitForBroker(brokers, running, 60000))) {
    say(`Kafka already running (pid ${running}) on ${brokers[0]}`);
    return { brokers, started: false };
  }
  if (!running && (await portOpen(KAFKA_PORT))) {
    if (await brokerAnswers(brokers)) {
      say(`a Kafka broker already answers on ${brokers[0]}; using it`);
      return { brokers, started: false };
    }
    throw new InfraError(
      `port ${KAFKA_PORT} is taken by something that is not a Kafka broker; set LOCAL_KAFKA_PORT to a free port or KAFKA_BROKERS to your broker`,
    );
  }
  resolveJars();
  fs.mkdirSync(KAFKA_DATA, { recursive: true });
  const props = path.join(KAFKA_DIR, 'server.properties');
  fs.writeFileSync(props, serverProperties());
  const classpath = `${KAFKA_LIB}/*`;
  const log4j = `-Dlog4j.configuration=file:${path.join(__dirname, 'kafka', 'log4j.properties')}`;
  if (!fs.existsSync(path.join(KAFKA_DATA, 'meta.properties'))) {
    const clusterId = crypto.randomBytes(16).toString('base64url');
    const r = spawnSync('java', ['-cp', classpath, log4j, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', props], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new InfraError(`formatting Kafka storage failed:\n${r.stdout}\n${r.stderr}`);
    say(`formatted Kafka storage (cluster ${clusterId})`);
  }
  const out = fs.openSync(LOG_FILE, 'a');
  const child = spawn(
    'java',
    [
      '-Xms256m',
      '-Xmx1g',
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      log4j,
      '-cp',
      classpath,
      'kafka.Kafka',
      props,
    ],
    { detached: true, stdio: ['ignore', out, out], cwd: KAFKA_DIR },
  );
  child.unref();
  fs.writeFileSync(PID_FILE, String(child.pid));
  say(`starting Kafka ${KAFKA_PORT} (pid ${child.pid}, log ${path.relative(ROOT, LOG_FILE)})…`);
  if (!(await waitForBroker(brokers, child.pid, 90000))) {
    const tail = fs.readFileSync(LOG_FILE, 'utf8').split('\n').slice(-30).join('\n');
    throw new InfraError(`the Kafka broker did not come up within 90 s; the end of its log:\n${tail}`);
  }
  say(`Kafka ready on ${brokers[0]}`);
  return { brokers, started: true };
}

async function waitForBroker(brokers, pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pid && !alive(pid)) return false;
    if ((await portOpen(KAFKA_PORT)) && (await brokerAnswers(brokers))) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

async function stopKafka() {
  const pid = readPid();
  if (!pid) {
    say('no local Kafka broker running');
    fs.rmSync(PID_FILE, { force: true });
    return;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 30000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  fs.rmSync(PID_FILE, { force: true });
  say(`Kafka stopped (pid ${pid})`);
}

function databaseUrl() {
  return process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
}

async function ensurePostgres(databases = SERVICE_DATABASES) {
  const { Client } = require('pg');
  const url = new URL(databaseUrl());
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (e) {
    throw new InfraError(
      `PostgreSQL is not reachable at ${url.host} (${e.message}). Start PostgreSQL 15+ there, or set DATABASE_URL=postgres://user@host:port to your server.`,
    );
  }
  try {
    for (const name of databases) {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount === 0) {
        await client.query(`CREATE DATABASE "${name}"`).catch((e) => {
          if (e.code !== '42P04') throw e;
        });
        say(`created database ${name}`);
      }
    }
  } finally {
    await client.end();
  }
  return databaseUrl();
}

/**
 * Start what is missing; returns the environment the services and tests use, and whether
 * this call started the local broker (so that whoever started it can stop it again).
 */
async function upWithState(options = {}) {
  let brokers;
  let startedKafka = false;
  if (process.env.KAFKA_BROKERS) {
    brokers = process.env.KAFKA_BROKERS.split(',');
    if (!(await brokerAnswers(brokers, 5000))) throw new InfraError(`KAFKA_BROKERS=${process.env.KAFKA_BROKERS} does not answer`);
    say(`using Kafka at ${brokers.join(',')}`);
  } else {
    const local = await startKafka();
    brokers = local.brokers;
    startedKafka = local.started;
  }
  const pg = await ensurePostgres(options.databases);
  require('./checkpoint-key').localCheckpointKey(); // the audit log's signing key, made once
  const roles = await require('./database-roles').ensureDatabaseRoles(pg, options.databases);
  return { env: { KAFKA_BROKERS: brokers.join(','), DATABASE_URL: pg, ...roles, ...require('./issuer').localAuthEnv() }, startedKafka };
}

async function up(options = {}) {
  return (await upWithState(options)).env;
}

async function status() {
  const pid = readPid();
  const brokers = process.env.KAFKA_BROKERS ? process.env.KAFKA_BROKERS.split(',') : [`127.0.0.1:${KAFKA_PORT}`];
  return { kafka: { brokers, pid: pid ?? null, answers: await brokerAnswers(brokers) }, databaseUrl: databaseUrl() };
}

module.exports = {
  up,
  upWithState,
  startLocalKafka: startKafka,
  down: stopKafka,
  status,
  ensurePostgres,
  brokerAnswers,
  InfraError,
  RUNTIME,
  SERVICE_DATABASES,
};

if (require.main === module) {
  const command = process.argv[2] || 'up';
  const actions = { up, down: stopKafka, status };
  const action = actions[command];
  if (!action) {
    process.stderr.write('usage: infra.js up|down|status\n');
    process.exit(2);
  }
  action()
    .then((result) => {
      if (result) process.stdout.write(`${require('./database-roles').printable(result)}\n`);
    })
    .catch((e) => {
      process.stderr.write(`[infra] ${e instanceof InfraError ? e.message : e.stack}\n`);
      process.exit(1);
    });
}
