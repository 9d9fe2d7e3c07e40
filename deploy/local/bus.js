/**
 * The closed bus: one SASL/SCRAM-SHA-512 user per agency service, an admin used only by
 * provisioning, and least-privilege ACLs (deny by default) from the table in
 * libs/contracts/src/bus.access.json. Topics and ACLs are created here, with the admin;
 * services may not create or delete topics.
 *
 * Secrets are generated once into KAFKA_CREDENTIALS_DIR (default deploy/local/.runtime/kafka/
 * credentials, git-ignored), one file per principal: <dir>/<principal>/password, mode 0600.
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ACCESS = require('../../libs/contracts/src/bus.access.json');

/** The admin: super user, used by provisioning only. */
const ADMIN = 'admin';
/** The broker's own identity on its controller listener (loopback only); never handed out. */
const CONTROLLER = 'controller';
const AGENCIES = Object.keys(ACCESS.agencies);
/** Who may ask for a client configuration. */
const PRINCIPALS = [...AGENCIES, ADMIN];
const TOPICS = Object.keys(ACCESS.owners);
const DEFAULT_CREDENTIALS_DIR = path.join(__dirname, '.runtime', 'kafka', 'credentials');
/** Partitions and topic configs of event and dead-letter topics: bus.access.json `topics`, the one declaration. */
const SETTINGS = ACCESS.topics;
const DEFAULT_PARTITIONS = SETTINGS.events.partitions;

class BusError extends Error {}

function credentialsDir() {
  return process.env.KAFKA_CREDENTIALS_DIR || DEFAULT_CREDENTIALS_DIR;
}

function passwordFile(principal, dir = credentialsDir()) {
  return path.join(dir, principal, 'password');
}

/** Generate what is missing (first start) and return every principal's password. */
function ensureCredentials(dir = credentialsDir()) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const principal of [...PRINCIPALS, CONTROLLER]) {
    const file = passwordFile(principal, dir);
    if (fs.existsSync(file)) continue;
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // base64url: safe inside JAAS quotes and properties files
    fs.writeFileSync(file, crypto.randomBytes(24).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return readCredentials(dir, [...PRINCIPALS, CONTROLLER]);
}

/** The principals' passwords; a missing one is an error that says how to get it. */
function readCredentials(dir = credentialsDir(), principals = PRINCIPALS) {
  const out = {};
  for (const principal of principals) {
    try {
      out[principal] = fs.readFileSync(passwordFile(principal, dir), 'utf8').trim();
    } catch {
      throw new BusError(
        `no Kafka credentials for ${principal} in ${dir}: they are generated when the local broker first starts (npm run infra:up); ` +
          'for another broker set KAFKA_CREDENTIALS_DIR to a directory holding <principal>/password',
      );
    }
  }
  return out;
}

/** A digest of the users and passwords, to tell whether the broker's storage was formatted with them. */
function fingerprint(credentials) {
  const hash = crypto.createHash('sha256');
  for (const name of Object.keys(credentials).sort()) hash.update(`${name}\0${credentials[name]}\0`);
  return hash.digest('hex');
}

function ssl() {
  return process.env.KAFKA_SSL === 'true';
}

/** kafkajs settings for a principal. */
function kafkaConfig(principal, brokers, credentials = readCredentials()) {
  return {
    brokers,
    ssl: ssl(),
    sasl: { mechanism: 'scram-sha-512', username: principal, password: credentials[principal] },
  };
}

/** The environment a service needs to reach the bus as its agency. */
function agencyEnv(agency, brokers, credentials = readCredentials()) {
  if (!AGENCIES.includes(agency)) throw new BusError(`${agency} is not an agency of the bus (${AGENCIES.join(', ')})`);
  return {
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_SASL_USERNAME: agency,
    KAFKA_SASL_PASSWORD: credentials[agency],
    KAFKA_SSL: ssl() ? 'true' : 'false',
  };
}

/** librdkafka properties for a principal, as `kcat -F FILE` reads them. */
function clientConfig(principal, brokers, credentials = readCredentials()) {
  if (!PRINCIPALS.includes(principal)) throw new BusError(`unknown principal ${principal}; one of ${PRINCIPALS.join(' | ')}`);
  return [
    `# ${principal} on the settlement bus (SASL/SCRAM-SHA-512); keep this file private`,
    `bootstrap.servers=${brokers.join(',')}`,
    `security.protocol=${ssl() ? 'SASL_SSL' : 'SASL_PLAINTEXT'}`,
    'sasl.mechanisms=SCRAM-SHA-512',
    `sasl.username=${principal}`,
    `sasl.password=${credentials[principal]}`,
    '',
  ].join('\n');
}

const prefixed = (prefix, topic) => (prefix ? `${prefix}.${topic}` : topic);
const deadLetter = (topic) => `${topic}.dlt`;

/** Logical topics with a dead-letter topic: those some agency consumes. */
function consumedTopics() {
  return TOPICS.filter((t) => AGENCIES.some((a) => ACCESS.agencies[a].consumes.includes(t)));
}

const entries = (config) => Object.entries(config).map(([name, value]) => ({ name, value }));

/**
 * Every topic of a deployment (prefix) with its partitions and topic configs: event topics kept
 * forever, dead-letter topics with one partition and a finite retention (bus.access.json `topics`).
 */
function busTopics(prefix = '', partitions = DEFAULT_PARTITIONS) {
  return [
    ...TOPICS.map((t) => ({ topic: prefixed(prefix, t), numPartitions: partitions, configEntries: entries(SETTINGS.events.config) })),
    ...consumedTopics().map((t) => ({
      topic: prefixed(prefix, deadLetter(t)),
      numPartitions: SETTINGS.deadLetters.partitions,
      configEntries: entries(SETTINGS.deadLetters.config),
    })),
  ];
}

/**
 * Bring existing topics to their declared configs (a topic made before the declaration keeps
 * Kafka's default 7 days). AlterConfigs replaces a topic's whole dynamic config, so the other
 * topic-level settings it has are sent along unchanged. A partition count other than the declared
 * one is refused, never changed: keys would move to other partitions and lose their order.
 */
async function alignTopics(admin, wanted) {
  const { ConfigResourceTypes, ConfigSource } = require('kafkajs');
  if (wanted.length === 0) return [];
  const { topics: metadata } = await admin.fetchTopicMetadata({ topics: wanted.map((t) => t.topic) });
  const counts = new Map(metadata.map((t) => [t.name, t.partitions.length]));
  const wrong = wanted.filter((t) => counts.has(t.topic) && counts.get(t.topic) !== t.numPartitions);
  if (wrong.length > 0) {
    throw new BusError(
      `topic partitions differ from the declaration (bus.access.json topics, TOPIC_PARTITIONS): ${wrong
        .map((t) => `${t.topic} has ${counts.get(t.topic)}, declared ${t.numPartitions}`)
        .join(
          '; ',
        )}. A topic's partitions are not changed by provisioning (keys would move); recreate the topic, or provision with its count`,
    );
  }
  const { resources } = await admin.describeConfigs({
    resources: wanted.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: t.topic })),
    includeSynonyms: false,
  });
  const altered = [];
  const changes = [];
  for (const t of wanted) {
    const found = resources.find((r) => r.resourceName === t.topic);
    if (!found) continue;
    const current = new Map(found.configEntries.map((e) => [e.configName, e]));
    if (t.configEntries.every((e) => current.get(e.name)?.configValue === e.value)) continue;
    // the topic's own (dynamic) settings, then the declared ones over them
    const own = found.configEntries.filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG && !e.isSensitive);
    const merged = new Map(own.map((e) => [e.configName, e.configValue]));
    for (const e of t.configEntries) merged.set(e.name, e.value);
    changes.push({ type: ConfigResourceTypes.TOPIC, name: t.topic, configEntries: [...merged].map(([name, value]) => ({ name, value })) });
    altered.push(t.topic);
  }
  if (changes.length > 0) await admin.alterConfigs({ validateOnly: false, resources: changes });
  return altered;
}

/**
 * What each agency may do, in logical names: write its own topics and the dead-letter topics
 * of what it consumes, read what it consumes and `alsoReads` (audit: everything), describe the
 * configs of the topics it checks at start, and use the consumer groups whose names start with its own.
 */
function grants() {
  const everything = [...TOPICS, ...consumedTopics().map(deadLetter)];
  return Object.fromEntries(
    AGENCIES.map((agency) => {
      const access = ACCESS.agencies[agency];
      const writes = [...TOPICS.filter((t) => ACCESS.owners[t] === agency), ...access.consumes.map(deadLetter)];
      const reads = access.readsEverything ? everything : [...access.consumes, ...access.alsoReads];
      // what the service checks at start (requireTopics): the topics it produces, consumes and dead-letters to
      const describesConfigs = [...new Set([...writes, ...access.consumes])];
      return [agency, { writes, reads, describesConfigs, groupPrefix: agency }];
    }),
  );
}

/** The ACL bindings of a deployment: topics by their exact (prefixed) name, groups by prefix. */
function aclBindings(prefix = '') {
  const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = require('kafkajs');
  const allow = (agency, resourceType, resourceName, resourcePatternType, operation) => ({
    resourceType,
    resourceName,
    resourcePatternType,
    principal: `User:${agency}`,
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  });
  const bindings = [];
  for (const [agency, g] of Object.entries(grants())) {
    // WRITE and READ each imply DESCRIBE
    for (const t of g.writes)
      bindings.push(allow(agency, AclResourceTypes.TOPIC, prefixed(prefix, t), ResourcePatternTypes.LITERAL, AclOperationTypes.WRITE));
    for (const t of g.reads)
      bindings.push(allow(agency, AclResourceTypes.TOPIC, prefixed(prefix, t), ResourcePatternTypes.LITERAL, AclOperationTypes.READ));
    for (const t of g.describesConfigs)
      bindings.push(
        allow(agency, AclResourceTypes.TOPIC, prefixed(prefix, t), ResourcePatternTypes.LITERAL, AclOperationTypes.DESCRIBE_CONFIGS),
      );
    bindings.push(
      allow(agency, AclResourceTypes.GROUP, prefixed(prefix, g.groupPrefix), ResourcePatternTypes.PREFIXED, AclOperationTypes.READ),
    );
  }
  return bindings;
}

function adminClient(brokers, credentials) {
  const { Kafka, logLevel } = require('kafkajs');
  return new Kafka({
    clientId: 'bus-provisioning',
    ...kafkaConfig(ADMIN, brokers, credentials),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5000,
    retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 5000 },
  }).admin();
}

const aclKey = (resourceType, resourceName, resourcePatternType, a) =>
  [resourceType, resourceName, resourcePatternType, a.principal, a.host, a.operation, a.permissionType].join('|');

/**
 * Wait until the broker's authorizer holds every binding: ACLs reach it through the metadata
 * log a moment after CreateAcls answers, and a client arriving sooner would be refused.
 */
async function aclsInForce(admin, bindings, timeoutMs = 30000) {
  const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = require('kafkajs');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { resources } = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    const held = new Set(resources.flatMap((r) => r.acls.map((a) => aclKey(r.resourceType, r.resourceName, r.resourcePatternType, a))));
    if (bindings.every((b) => held.has(aclKey(b.resourceType, b.resourceName, b.resourcePatternType, b)))) return;
    if (Date.now() > deadline) throw new BusError(`the broker does not show the new ACLs after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function onlyAlreadyExists(error) {
  const inner = Array.isArray(error?.errors) && error.errors.length > 0 ? error.errors : [error];
  return inner.every((e) => e?.type === 'TOPIC_ALREADY_EXISTS' || /already exists/i.test(String(e?.message)));
}

/**
 * Create a deployment's topics (those missing) with their declared configs, bring existing ones
 * to those configs, create its ACLs, as the admin, and wait until every partition has a leader.
 * Idempotent: running it again changes nothing.
 */
async function provision({ brokers, prefix = '', partitions = DEFAULT_PARTITIONS, credentials = readCredentials() }) {
  const admin = adminClient(brokers, credentials);
  await admin.connect();
  try {
    const wanted = busTopics(prefix, partitions);
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      await admin.createTopics({ topics: missing.map((t) => ({ ...t, replicationFactor: -1 })), waitForLeaders: false }).catch((e) => {
        if (!onlyAlreadyExists(e)) throw e; // another provisioning of the same prefix got there first
      });
    }
    const altered = await alignTopics(
      admin,
      wanted.filter((t) => existing.has(t.topic)),
    );
    const acl = aclBindings(prefix);
    await admin.createAcls({ acl });
    await aclsInForce(admin, acl);
    const deadline = Date.now() + 60000;
    for (;;) {
      const { topics } = await admin.fetchTopicMetadata({ topics: wanted.map((t) => t.topic) }).catch(() => ({ topics: [] }));
      if (topics.length === wanted.length && topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)))
        break;
      if (Date.now() > deadline) throw new BusError(`topics of prefix "${prefix}" have no leader after 60 s`);
      await new Promise((r) => setTimeout(r, 250));
    }
    return { topics: wanted.map((t) => t.topic), created: missing.map((t) => t.topic), altered, acls: aclBindings(prefix).length };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Remove a deployment's topics, consumer groups and ACLs (tests' own prefixes). */
async function deprovision({ brokers, prefix, credentials = readCredentials() }) {
  if (!prefix) throw new BusError('deprovision removes a prefixed deployment only');
  const admin = adminClient(brokers, credentials);
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    if (topics.length) await admin.deleteTopics({ topics, timeout: 30000 });
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${prefix}.`));
    if (groups.length) await admin.deleteGroups(groups).catch(() => undefined);
    await admin.deleteAcls({ filters: aclBindings(prefix) });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

module.exports = {
  SETTINGS,
  DEFAULT_PARTITIONS,
  ADMIN,
  CONTROLLER,
  AGENCIES,
  PRINCIPALS,
  BusError,
  credentialsDir,
  ensureCredentials,
  readCredentials,
  fingerprint,
  kafkaConfig,
  agencyEnv,
  clientConfig,
  busTopics,
  grants,
  aclBindings,
  provision,
  deprovision,
};
