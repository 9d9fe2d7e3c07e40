import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_TOPICS, DEAD_LETTER_TOPIC_SETTINGS, deadLetterTopic, DEFAULT_PARTITIONS, EVENT_TOPIC_SETTINGS, TOPICS } from '@msb/contracts';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { bus } from './bus.access';
import { repoRoot } from './repo-root.path';

interface Binding {
  resourceType: number;
  resourceName: string;
  resourcePatternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

/** What deploy/local/bus.js provisions, without a broker. */
describe('bus provisioning', () => {
  const b = bus();
  const bindings = (prefix: string) => b.aclBindings(prefix) as Binding[];

  it('creates every topic kept forever, and a one-partition dead-letter topic that expires for each consumed one', () => {
    const topics = b.busTopics('p', 3);
    const kept = [
      { name: 'retention.ms', value: '-1' },
      { name: 'retention.bytes', value: '-1' },
      { name: 'cleanup.policy', value: 'delete' },
    ];
    expect(topics.filter((t) => !t.topic.endsWith('.dlt'))).toEqual(
      ALL_TOPICS.map((t) => ({ topic: `p.${t}`, numPartitions: 3, configEntries: kept })),
    );
    const dead = topics.filter((t) => t.topic.endsWith('.dlt'));
    expect(dead.every((t) => t.numPartitions === 1)).toBe(true);
    for (const t of dead) expect(t.configEntries).toContainEqual({ name: 'retention.ms', value: String(30 * 24 * 3600 * 1000) });
    expect(b.busTopics('').every((t) => t.numPartitions === (t.topic.endsWith('.dlt') ? 1 : DEFAULT_PARTITIONS))).toBe(true);
    expect(dead.map((t) => t.topic)).toContain(`p.${deadLetterTopic(TOPICS.basicClaims)}`);
    expect(dead.map((t) => t.topic)).not.toContain(`p.${deadLetterTopic(TOPICS.auditCheckpoints)}`); // nobody consumes it yet
    expect(b.busTopics('').map((t) => t.topic)).toContain(TOPICS.basicClaims);
  });

  it('only allows, only READ and WRITE on exact topic names and READ on group prefixes, never to the admin', () => {
    for (const prefix of ['', 'tx1']) {
      const all = bindings(prefix);
      expect(all.length).toBeGreaterThan(0);
      for (const a of all) {
        expect(a.permissionType).toBe(AclPermissionTypes.ALLOW);
        expect(a.host).toBe('*');
        expect(a.principal).toMatch(/^User:(basic-insurance|critical-illness|medical-assistance|audit)$/);
        expect(a.resourceName).not.toBe('*');
        if (prefix) expect(a.resourceName.startsWith(`${prefix}.`)).toBe(true);
        if (a.resourceType === AclResourceTypes.TOPIC) {
          expect(a.resourcePatternType).toBe(ResourcePatternTypes.LITERAL);
          expect([AclOperationTypes.READ, AclOperationTypes.WRITE, AclOperationTypes.DESCRIBE_CONFIGS]).toContain(a.operation);
        } else {
          expect(a.resourceType).toBe(AclResourceTypes.GROUP);
          expect(a.resourcePatternType).toBe(ResourcePatternTypes.PREFIXED);
          expect(a.operation).toBe(AclOperationTypes.READ);
          expect(a.resourceName).toBe(`${prefix ? `${prefix}.` : ''}${a.principal.slice('User:'.length)}`);
        }
      }
    }
  });

  it('lets each topic be written by its owner and by the consumers of what it dead-letters only', () => {
    const writers = (topic: string) =>
      bindings('')
        .filter((a) => a.resourceName === topic && a.operation === AclOperationTypes.WRITE)
        .map((a) => a.principal)
        .sort();
    expect(writers(TOPICS.basicDecisions)).toEqual(['User:basic-insurance']);
    expect(writers(TOPICS.auditCheckpoints)).toEqual(['User:audit']);
    expect(writers(deadLetterTopic(TOPICS.basicDecisions))).toEqual(['User:audit', 'User:critical-illness', 'User:medical-assistance']);
    expect(writers(deadLetterTopic(TOPICS.basicClaims))).toEqual(['User:audit']);
    const readers = (topic: string) =>
      bindings('')
        .filter((a) => a.resourceName === topic && a.operation === AclOperationTypes.READ)
        .map((a) => a.principal)
        .sort();
    expect(readers(TOPICS.basicClaims)).toEqual(['User:audit']);
    expect(readers(TOPICS.auditCheckpoints)).toEqual([
      'User:audit',
      'User:basic-insurance',
      'User:critical-illness',
      'User:medical-assistance',
    ]);
  });

  it('lets each agency describe the configs of exactly the topics it checks at start', () => {
    const described = (agency: string) =>
      bindings('')
        .filter((a) => a.principal === `User:${agency}` && a.operation === AclOperationTypes.DESCRIBE_CONFIGS)
        .map((a) => a.resourceName)
        .sort();
    expect(described('critical-illness')).toEqual(
      [
        TOPICS.criticalIllnessDecisions,
        TOPICS.criticalIllnessPolicies,
        TOPICS.criticalIllnessFunds,
        TOPICS.basicDecisions,
        TOPICS.assistanceEligibility,
        deadLetterTopic(TOPICS.basicDecisions),
        deadLetterTopic(TOPICS.assistanceEligibility),
      ].sort(),
    );
    // not what it only reads (the checkpoints) nor anybody else's
    expect(described('basic-insurance')).not.toContain(TOPICS.auditCheckpoints);
    expect(described('basic-insurance')).not.toContain(TOPICS.assistanceEligibility);
  });

  it('prints a librdkafka properties file and refuses to print one for an unknown principal', () => {
    const credentials = { admin: 'a', 'basic-insurance': 'b', 'critical-illness': 'c', 'medical-assistance': 'm', audit: 'x' };
    const clientConfig = b.clientConfig as unknown as (p: string, brokers: string[], c: Record<string, string>) => string;
    expect(clientConfig('audit', ['h1:1', 'h2:2'], credentials).split('\n').slice(1)).toEqual([
      'bootstrap.servers=h1:1,h2:2',
      'security.protocol=SASL_PLAINTEXT',
      'sasl.mechanisms=SCRAM-SHA-512',
      'sasl.username=audit',
      'sasl.password=x',
      '',
    ]);
    expect(() => clientConfig('controller', ['h:1'], credentials)).toThrow(/unknown principal/);
  });

  it('generates secrets once, private to the user, and keeps them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bus-secrets-'));
    try {
      const ensure = (b as unknown as { ensureCredentials: (dir: string) => Record<string, string> }).ensureCredentials;
      const first = ensure(dir);
      expect(Object.keys(first).sort()).toEqual([
        'admin',
        'audit',
        'basic-insurance',
        'controller',
        'critical-illness',
        'medical-assistance',
      ]);
      expect(new Set(Object.values(first)).size).toBe(6);
      for (const p of Object.keys(first)) {
        expect(statSync(join(dir, p, 'password')).mode & 0o077).toBe(0);
        expect(readFileSync(join(dir, p, 'password'), 'utf8')).toBe(first[p]);
      }
      expect(ensure(dir)).toEqual(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the Strimzi resources of the bus (deploy/k8s/kafka)', () => {
  it('are what bus-manifests.js renders from the same table', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { render } = require(join(repoRoot(), 'deploy/k8s/kafka/bus-manifests.js')) as { render: () => Record<string, string> };
    for (const [file, text] of Object.entries(render())) {
      expect({ file, text: readFileSync(join(repoRoot(), 'deploy/k8s/kafka', file), 'utf8') }).toEqual({ file, text });
    }
    const users = render()['users.yaml'];
    expect(users.match(/^kind: KafkaUser$/gm)).toHaveLength(4);
    expect(users).not.toMatch(/operations: \[.*(All|Create|Delete|Alter)/);
  });

  it('declare the partitions and configs of bus.access.json for every topic', () => {
    const docs = readFileSync(join(repoRoot(), 'deploy/k8s/kafka/topics.yaml'), 'utf8').split('\n---\n');
    expect(docs).toHaveLength(bus().busTopics('').length);
    for (const doc of docs) {
      const name = /topicName: (\S+)/.exec(doc)?.[1] ?? '';
      const settings = name.endsWith('.dlt') ? DEAD_LETTER_TOPIC_SETTINGS : EVENT_TOPIC_SETTINGS;
      expect({ name, partitions: /partitions: (\d+)/.exec(doc)?.[1] }).toEqual({ name, partitions: String(settings.partitions) });
      for (const [key, value] of Object.entries(settings.config))
        expect({ name, line: doc.includes(`    ${key}: '${value}'`) }).toEqual({ name, line: true });
    }
  });
});

describe('the compose stack and the brokers', () => {
  it('provision the topics from the same declaration, with the same default partitions', () => {
    const compose = readFileSync(join(repoRoot(), 'docker-compose.yml'), 'utf8');
    // kafka-provision is deploy/local/bus.js (through infra.js provision), with no partitions or configs of its own
    const provision = compose.slice(compose.indexOf('\n  kafka-provision:\n'), compose.indexOf('\n  postgres:\n'));
    expect(provision).toContain("command: ['node', 'deploy/local/infra.js', 'provision']");
    expect(provision).not.toMatch(/TOPIC_PARTITIONS|retention/);
    const dockerfile = readFileSync(join(repoRoot(), 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('COPY libs/contracts/src/bus.access.json');
    // a topic made some other way gets the same count (auto-creation is off)
    for (const file of ['deploy/compose/kafka-start.sh', 'deploy/k8s/kafka/kafka.yaml']) {
      const text = readFileSync(join(repoRoot(), file), 'utf8');
      expect({ file, partitions: /num\.partitions[=:] *(\d+)/.exec(text)?.[1] }).toEqual({ file, partitions: String(DEFAULT_PARTITIONS) });
    }
  });
});
