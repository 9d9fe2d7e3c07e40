#!/usr/bin/env node
/**
 * Local infrastructure without Docker: a real single-node Kafka broker in KRaft mode from
 * the official Apache Kafka jars (resolved from Maven Central), and the Postgres server
 * named by DATABASE_URL with one database per service.
 *
 *   node deploy/local/infra.js up                    start what is missing (reuses a running broker), provision
 *   node deploy/local/infra.js down                  stop the local broker
 *   node deploy/local/infra.js status                what is running
 *   node deploy/local/infra.js provision             topics and ACLs for TOPIC_PREFIX (as the admin)
 *   node deploy/local/infra.js credentials           generate the secrets that are missing (docker-compose)
 *   node deploy/local/infra.js client-config AGENCY  librdkafka properties for a principal (kcat -F)
 *
 * The broker is closed (deploy/local/bus.js): SASL/SCRAM-SHA-512 only, StandardAuthorizer
 * ACLs, deny by default. Its users' secrets are generated on first start.
 * KAFKA_BROKERS set: that broker is used and nothing is started (its admin's and agencies'
 * secrets from KAFKA_CREDENTIALS_DIR). LOCAL_KAFKA_PORT (default 19092; the controller
 * listens on the next port). TOPIC_PREFIX, TOPIC_PARTITIONS (6, bus.access.json): what `up` and `provision` create.
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const crypto = require('node:crypto');
const bus = require('./bus');

const ROOT = path.resolve(__dirname, '../..');
const RUNTIME = path.join(__dirname, '.runtime');
const KAFKA_DIR = path.join(RUNTIME, 'kafka');
const KAFKA_LIB = path.join(KAFKA_DIR, 'lib');
const KAFKA_DATA = path.join(KAFKA_DIR, 'data');
const PID_FILE = path.join(KAFKA_DIR, 'kafka.pid');
const LOG_FILE = path.join(KAFKA_DIR, 'kafka.log');
/** The digest of the SCRAM users the storage was formatted with (bus.fingerprint). */
const STORAGE_FINGERPRINT = path.join(KAFKA_DIR, 'storage.fingerprint');
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

/**
 * True when a Kafka broker answers a metadata request at `brokers`: as the admin when
 * `credentials` are given, else anonymously (which the closed bus refuses).
 */
async function brokerAnswers(brokers, timeoutMs = 3000, credentials = undefined) {
  const { Kafka, logLevel } = require('kafkajs');
  const admin = new Kafka({
    clientId: 'infra-check',
    ...(credentials ? bus.kafkaConfig(bus.ADMIN, brokers, credentials) : { brokers }),
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

function serverProperties(credentials) {
  const scram = `org.apache.kafka.common.security.scram.ScramLoginModule required username="${bus.ADMIN}" password="${credentials[bus.ADMIN]}";`;
  const controller = credentials[bus.CONTROLLER];
  const plain = `org.apache.kafka.common.security.plain.PlainLoginModule required username="${bus.CONTROLLER}" password="${controller}" user_${bus.CONTROLLER}="${controller}";`;
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${CONTROLLER_PORT}`,
    // no anonymous listener: clients and the broker itself authenticate with SCRAM-SHA-512;
    // the controller listener (loopback, the broker's own traffic) with PLAIN
    `listeners=CLIENT://127.0.0.1:${KAFKA_PORT},CONTROLLER://127.0.0.1:${CONTROLLER_PORT}`,
    `advertised.listeners=CLIENT://127.0.0.1:${KAFKA_PORT}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT',
    'inter.broker.listener.name=CLIENT',
    'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
    'listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512',
    `listener.name.client.scram-sha-512.sasl.jaas.config=${scram}`,
    'sasl.mechanism.controller.protocol=PLAIN',
    'listener.name.controller.sasl.enabled.mechanisms=PLAIN',
    `listener.name.controller.plain.sasl.jaas.config=${plain}`,
    // deny by default; only the admin (provisioning) and the broker itself are super users
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    `super.users=User:${bus.ADMIN};User:${bus.CONTROLLER}`,
    'allow.everyone.if.no.acl.found=false',
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

/**
 * Start the local broker unless it runs. A broker of ours that still has an anonymous
 * listener (started before the bus was closed) is restarted with SASL; storage formatted
 * without the current SCRAM users is formatted again (local data only: topics are lost).
 */
async function startKafka() {
  if (!has('java')) {
    throw new InfraError(
      'Java 17+ is needed to run the local Kafka broker. Install a JDK (apt-get install openjdk-17-jre-headless), or set KAFKA_BROKERS=host:port to use a broker you already run.',
    );
  }
  const credentials = bus.ensureCredentials();
  const brokers = [`127.0.0.1:${KAFKA_PORT}`];
  let running = readPid();
  let restarted = false;
  if (running && (await brokerAnswers(brokers))) {
    say(`the local Kafka broker (pid ${running}) has an anonymous listener; restarting it with SASL/SCRAM and ACLs`);
    await stopKafka();
    running = undefined;
    restarted = true;
  }
  if (running) {
    if (await waitForBroker(brokers, running, 60000, credentials)) {
      say(`Kafka already running (pid ${running}) on ${brokers[0]}`);
      return { brokers, credentials, started: false };
    }
    if (alive(running)) {
      say(`the local Kafka broker (pid ${running}) refuses the admin's current credentials; restarting it`);
      await stopKafka();
      restarted = true;
    }
  }
  if (await portOpen(KAFKA_PORT)) {
    if (await brokerAnswers(brokers, 3000, credentials)) {
      say(`a Kafka broker already answers on ${brokers[0]} to the admin's credentials; using it`);
      return { brokers, credentials, started: false };
    }
    throw new InfraError(
      (await brokerAnswers(brokers))
        ? `an anonymous Kafka broker that was not started from here answers on port ${KAFKA_PORT}; the bus needs SASL/SCRAM: stop it, or set LOCAL_KAFKA_PORT to a free port`
        : `port ${KAFKA_PORT} is taken by something that is not a Kafka broker of ours; set LOCAL_KAFKA_PORT to a free port or KAFKA_BROKERS to your broker`,
    );
  }
  resolveJars();
  fs.mkdirSync(KAFKA_DATA, { recursive: true });
  const props = path.join(KAFKA_DIR, 'server.properties');
  fs.writeFileSync(props, serverProperties(credentials), { mode: 0o600 });
  fs.chmodSync(props, 0o600); // it holds the broker's own secrets
  const classpath = `${KAFKA_LIB}/*`;
  const log4j = `-Dlog4j.configuration=file:${path.join(__dirname, 'kafka', 'log4j.properties')}`;
  formatStorage(credentials, props, classpath, log4j);
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
  if (!(await waitForBroker(brokers, child.pid, 90000, credentials))) {
    const tail = fs.readFileSync(LOG_FILE, 'utf8').split('\n').slice(-30).join('\n');
    throw new InfraError(`the Kafka broker did not come up within 90 s; the end of its log:\n${tail}`);
  }
  say(`Kafka ready on ${brokers[0]} (SASL/SCRAM-SHA-512, ACLs)`);
  // a broker that ran before keeps its owner: whoever started it stops it
  return { brokers, credentials, started: !restarted };
}

/**
 * Format the storage with the SCRAM users of the bus (KIP-900) unless it already was with
 * exactly these users and passwords; storage formatted before (without SCRAM, or with other
 * secrets) is local data only and is formatted again.
 */
function formatStorage(credentials, props, classpath, log4j) {
  const users = Object.fromEntries(bus.PRINCIPALS.map((p) => [p, credentials[p]]));
  const digest = bus.fingerprint(users);
  const formatted = fs.existsSync(path.join(KAFKA_DATA, 'meta.properties'));
  const formattedWith = fs.existsSync(STORAGE_FINGERPRINT) ? fs.readFileSync(STORAGE_FINGERPRINT, 'utf8').trim() : undefined;
  if (formatted && formattedWith === digest) return;
  if (formatted) {
    say(
      `the broker storage in ${path.relative(ROOT, KAFKA_DATA)} was formatted ${formattedWith ? 'with other SCRAM users' : 'without SCRAM users (an anonymous broker)'}; ` +
        'formatting it again with SASL/SCRAM: its local topics and messages are dropped',
    );
    fs.rmSync(KAFKA_DATA, { recursive: true, force: true });
    fs.mkdirSync(KAFKA_DATA, { recursive: true });
  }
  const clusterId = crypto.randomBytes(16).toString('base64url');
  const scram = bus.PRINCIPALS.flatMap((p) => ['--add-scram', `SCRAM-SHA-512=[name=${p},password=${credentials[p]}]`]);
  const r = spawnSync('java', ['-cp', classpath, log4j, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', props, ...scram], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new InfraError(`formatting Kafka storage failed:\n${r.stdout}\n${r.stderr}`);
  fs.writeFileSync(STORAGE_FINGERPRINT, digest, { mode: 0o600 });
  say(`formatted Kafka storage (cluster ${clusterId}) with SCRAM users ${bus.PRINCIPALS.join(', ')}`);
}

async function waitForBroker(brokers, pid, timeoutMs, credentials) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pid && !alive(pid)) return false;
    if ((await portOpen(KAFKA_PORT)) && (await brokerAnswers(brokers, 3000, credentials))) return true;
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

/** Where the brokers are and the admin's credentials: KAFKA_BROKERS, else the local broker. */
function target() {
  if (process.env.KAFKA_BROKERS) return { brokers: process.env.KAFKA_BROKERS.split(','), external: true };
  return { brokers: [`127.0.0.1:${KAFKA_PORT}`], external: false };
}

/** Topics and ACLs of TOPIC_PREFIX's deployment, as the admin. */
async function provision(brokers = target().brokers, credentials = bus.readCredentials()) {
  const prefix = process.env.TOPIC_PREFIX || '';
  const partitions = Number(process.env.TOPIC_PARTITIONS || bus.DEFAULT_PARTITIONS);
  const result = await bus.provision({ brokers, prefix, partitions, credentials });
  say(
    `provisioned ${result.topics.length} topics (${result.created.length} new, ${result.altered.length} brought to the declared configs) and ${result.acls} ACLs${prefix ? ` for prefix ${prefix}` : ''}`,
  );
  return result;
}

/**
 * Start what is missing and provision the topics and ACLs (unless `provision: false`: tests
 * provision their own prefixes); returns the environment the
 * services and tests use (each service adds its own credentials, bus.agencyEnv), and whether
 * this call started the local broker (so that whoever started it can stop it again).
 */
async function upWithState(options = {}) {
  let brokers;
  let credentials;
  let startedKafka = false;
  const { external } = target();
  if (external) {
    brokers = target().brokers;
    credentials = bus.readCredentials();
    if (!(await brokerAnswers(brokers, 5000, credentials)))
      throw new InfraError(`KAFKA_BROKERS=${process.env.KAFKA_BROKERS} does not answer to the admin of ${bus.credentialsDir()}`);
    say(`using Kafka at ${brokers.join(',')}`);
  } else {
    const local = await startKafka();
    brokers = local.brokers;
    credentials = local.credentials;
    startedKafka = local.started;
  }
  if (options.provision !== false) await provision(brokers, credentials);
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
  const { brokers } = target();
  let credentials;
  try {
    credentials = bus.readCredentials();
  } catch {
    credentials = undefined;
  }
  return {
    kafka: { brokers, pid: pid ?? null, answers: credentials ? await brokerAnswers(brokers, 3000, credentials) : false },
    databaseUrl: databaseUrl(),
  };
}

/** The librdkafka properties file of a principal (an agency or the admin). */
async function clientConfig(principal) {
  if (!principal) throw new InfraError(`usage: infra.js client-config ${bus.PRINCIPALS.join('|')}`);
  return bus.clientConfig(principal, target().brokers);
}

module.exports = {
  up,
  upWithState,
  startLocalKafka: startKafka,
  down: stopKafka,
  status,
  provision,
  ensurePostgres,
  brokerAnswers,
  InfraError,
  RUNTIME,
  SERVICE_DATABASES,
};

if (require.main === module) {
  const [command = 'up', ...args] = process.argv.slice(2);
  const actions = {
    up,
    down: stopKafka,
    status,
    provision: async () => void (await provision()),
    // generate the secrets that are missing (docker-compose's first start); prints where, never what
    credentials: async () => {
      bus.ensureCredentials();
      return `${bus.credentialsDir()}\n`;
    },
    'client-config': () => clientConfig(args[0]),
  };
  const action = actions[command];
  if (!action) {
    process.stderr.write(`usage: infra.js up|down|status|provision|credentials|client-config ${bus.PRINCIPALS.join('|')}\n`);
    process.exit(2);
  }
  action()
    .then((result) => {
      if (typeof result === 'string') process.stdout.write(result);
      else if (result) process.stdout.write(`${require('./database-roles').printable(result)}\n`);
    })
    .catch((e) => {
      process.stderr.write(`[infra] ${e instanceof InfraError || e instanceof bus.BusError ? e.message : e.stack}\n`);
      process.exit(1);
    });
}
