import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_TOPICS, deadLetterTopic, TOPICS } from '@msb/contracts';
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

  it('creates every topic, and a one-partition dead-letter topic for each consumed one', () => {
    const topics = b.busTopics('p', 3);
    expect(topics.filter((t) => !t.topic.endsWith('.dlt'))).toEqual(ALL_TOPICS.map((t) => ({ topic: `p.${t}`, numPartitions: 3 })));
    const dead = topics.filter((t) => t.topic.endsWith('.dlt'));
    expect(dead.every((t) => t.numPartitions === 1)).toBe(true);
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
          expect([AclOperationTypes.READ, AclOperationTypes.WRITE]).toContain(a.operation);
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
});
