import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deprovisionBus, kafkaAs, provisionBus, testBrokers } from './bus.access';
import { repoRoot } from './repo-root.path';
import { randomTag } from './scenario.driver';

/**
 * The closed bus from outside, with kcat (librdkafka), as each principal through the
 * properties file `infra.js client-config` prints. The expected table is the task's, written
 * out here, not read from the table provisioning uses.
 */
const run = promisify(execFile);

const AGENCIES = ['basic-insurance', 'critical-illness', 'medical-assistance', 'audit'] as const;
type Agency = (typeof AGENCIES)[number];

const TOPICS = [
  'basic.claims',
  'basic.decisions',
  'basic.policies',
  'critical-illness.decisions',
  'critical-illness.policies',
  'critical-illness.funds',
  'assistance.eligibility',
  'assistance.decisions',
  'assistance.policies',
  'audit.checkpoints',
];
const dlt = (t: string) => `${t}.dlt`;
/** What each agency's consumers read: it writes their dead-letter topics. */
const CONSUMES: Record<Agency, string[]> = {
  'basic-insurance': ['critical-illness.decisions', 'assistance.decisions', 'critical-illness.funds'],
  'critical-illness': ['basic.decisions', 'assistance.eligibility'],
  'medical-assistance': ['basic.decisions', 'critical-illness.decisions'],
  audit: TOPICS.filter((t) => t !== 'audit.checkpoints'),
};
const DEAD_LETTER_TOPICS = TOPICS.filter((t) => AGENCIES.some((a) => CONSUMES[a].includes(t))).map(dlt);
const EVERY_TOPIC = [...TOPICS, ...DEAD_LETTER_TOPICS];
const WRITES: Record<Agency, string[]> = {
  'basic-insurance': ['basic.claims', 'basic.decisions', 'basic.policies', ...CONSUMES['basic-insurance'].map(dlt)],
  'critical-illness': [
    'critical-illness.decisions',
    'critical-illness.policies',
    'critical-illness.funds',
    ...CONSUMES['critical-illness'].map(dlt),
  ],
  'medical-assistance': [
    'assistance.eligibility',
    'assistance.decisions',
    'assistance.policies',
    ...CONSUMES['medical-assistance'].map(dlt),
  ],
  audit: ['audit.checkpoints', ...CONSUMES.audit.map(dlt)],
};
const READS: Record<Agency, string[]> = {
  'basic-insurance': ['critical-illness.decisions', 'assistance.decisions', 'critical-illness.funds', 'audit.checkpoints'],
  'critical-illness': ['basic.decisions', 'assistance.eligibility', 'audit.checkpoints'],
  'medical-assistance': ['basic.decisions', 'critical-illness.decisions', 'audit.checkpoints'],
  audit: EVERY_TOPIC,
};

/** kcat from Debian's package, installed when missing. */
function ensureKcat(): void {
  const present = () => spawnSync('kcat', ['-V'], { stdio: 'ignore' }).status === 0;
  if (present()) return;
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '-q', 'kcat'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (install().status !== 0) {
    spawnSync('apt-get', ['update', '-q'], { stdio: 'ignore' });
    install();
  }
  if (!present()) throw new Error('kcat is needed for this test and could not be installed: apt-get install kcat');
}

interface Outcome {
  ok: boolean;
  out: string;
  err: string;
}

async function kcat(args: string[], input?: string): Promise<Outcome> {
  const child = run('kcat', args, { timeout: 30000 });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  try {
    const { stdout, stderr } = await child;
    return { ok: true, out: stdout, err: stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, out: e.stdout ?? '', err: e.stderr ?? '' };
  }
}

/** Why a kafkajs call was refused: its error's type and those of the errors inside it. */
async function refusal(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'allowed';
  } catch (error) {
    const e = error as { type?: string; errors?: { type?: string }[] };
    return [e.type, ...(e.errors ?? []).map((inner) => inner.type)].filter(Boolean).join(' ');
  }
}

/** At most `n` at a time (two cores shared with the broker). */
async function inBatches<T, R>(items: T[], n: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += n) out.push(...(await Promise.all(items.slice(i, i + n).map(f))));
  return out;
}

describe('the closed bus, seen from outside with kcat', () => {
  const prefix = `tb${randomTag(6)}`;
  const full = (t: string) => `${prefix}.${t}`;
  let dir: string;
  const config: Record<string, string> = {};

  beforeAll(async () => {
    ensureKcat();
    await provisionBus(prefix, 1);
    dir = mkdtempSync(join(tmpdir(), 'bus-'));
    chmodSync(dir, 0o700);
    for (const principal of [...AGENCIES, 'admin']) {
      const { stdout } = await run(process.execPath, [join(repoRoot(), 'deploy/local/infra.js'), 'client-config', principal], {
        env: { ...process.env, KAFKA_BROKERS: testBrokers().join(',') },
      });
      config[principal] = join(dir, `${principal}.properties`);
      writeFileSync(config[principal], stdout, { mode: 0o600 });
    }
    // one message on every topic, written by an agency that may write it
    for (const topic of EVERY_TOPIC) {
      const writer = AGENCIES.find((a) => WRITES[a].includes(topic))!;
      const sent = await kcat(['-F', config[writer], '-P', '-t', full(topic)], `seed of ${topic}\n`);
      expect({ topic, writer, ok: sent.ok, err: sent.ok ? '' : sent.err }).toEqual({ topic, writer, ok: true, err: '' });
    }
  }, 180_000);

  afterAll(async () => {
    await deprovisionBus(prefix);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('prints a librdkafka properties file per principal', () => {
    const text = spawnSync(process.execPath, [join(repoRoot(), 'deploy/local/infra.js'), 'client-config', 'critical-illness'], {
      encoding: 'utf8',
      env: { ...process.env, KAFKA_BROKERS: testBrokers().join(',') },
    }).stdout;
    const props = Object.fromEntries(
      text
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(props).toEqual({
      'bootstrap.servers': testBrokers().join(','),
      'security.protocol': 'SASL_PLAINTEXT',
      'sasl.mechanisms': 'SCRAM-SHA-512',
      'sasl.username': 'critical-illness',
      'sasl.password': expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
    });
    const unknown = spawnSync(process.execPath, [join(repoRoot(), 'deploy/local/infra.js'), 'client-config', 'controller'], {
      encoding: 'utf8',
    });
    expect(unknown.status).toBe(1);
    expect(unknown.stdout).toBe('');
  });

  it('gives no metadata without credentials or with a wrong password', async () => {
    const anonymous = await kcat(['-b', testBrokers().join(','), '-L', '-m', '5']);
    expect(anonymous.ok).toBe(false);
    expect(anonymous.out).not.toContain(prefix);
    const wrong = join(dir, 'wrong.properties');
    writeFileSync(
      wrong,
      `bootstrap.servers=${testBrokers().join(',')}\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanisms=SCRAM-SHA-512\nsasl.username=audit\nsasl.password=not-the-password\n`,
      {
        mode: 0o600,
      },
    );
    const refused = await kcat(['-F', wrong, '-L', '-m', '5']);
    expect(refused.ok).toBe(false);
    expect(refused.err).toMatch(/invalid credentials/i);
    expect(refused.out).not.toContain(prefix);
  }, 60_000);

  it.each(AGENCIES)(
    'lets %s see exactly the topics it may read or write',
    async (agency) => {
      const listed = await kcat(['-F', config[agency], '-L', '-m', '10']);
      expect(listed.ok).toBe(true);
      const visible = [...listed.out.matchAll(/topic "([^"]+)"/g)].map((m) => m[1]).filter((t) => t.startsWith(`${prefix}.`));
      expect(visible.sort()).toEqual([...new Set([...READS[agency], ...WRITES[agency]])].map(full).sort());
    },
    60_000,
  );

  it.each(AGENCIES)(
    'lets %s read exactly what the table allows and refuses the rest',
    async (agency) => {
      const results = await inBatches(EVERY_TOPIC, 4, async (topic) => {
        const read = await kcat(['-F', config[agency], '-C', '-t', full(topic), '-o', 'beginning', '-e', '-q']);
        return {
          topic,
          read: read.ok && read.out.includes(`seed of ${topic}`),
          refused: !read.ok && /authorization failed/i.test(read.err),
        };
      });
      expect(results.filter((r) => r.read).map((r) => r.topic)).toEqual(EVERY_TOPIC.filter((t) => READS[agency].includes(t)));
      expect(results.filter((r) => r.refused).map((r) => r.topic)).toEqual(EVERY_TOPIC.filter((t) => !READS[agency].includes(t)));
    },
    120_000,
  );

  it('lets only audit read basic.claims (the raw claims with diagnoses)', async () => {
    const readers = [];
    for (const agency of AGENCIES) {
      const read = await kcat(['-F', config[agency], '-C', '-t', full('basic.claims'), '-o', 'beginning', '-e', '-q']);
      if (read.ok && read.out.includes('seed of basic.claims')) readers.push(agency);
    }
    expect(readers).toEqual(['audit']);
  }, 60_000);

  it.each(AGENCIES)(
    'refuses %s a produce to any topic it does not own',
    async (agency) => {
      const foreign = EVERY_TOPIC.filter((t) => !WRITES[agency].includes(t));
      const results = await inBatches(foreign, 4, async (topic) => {
        const sent = await kcat(['-F', config[agency], '-P', '-t', full(topic)], `from ${agency}\n`);
        return { topic, refused: !sent.ok && /authorization failed/i.test(sent.err) };
      });
      expect(results.filter((r) => !r.refused)).toEqual([]);
      expect(results.length).toBe(foreign.length);
    },
    120_000,
  );

  it('keeps each agency to consumer groups named after it', async () => {
    const own = await kcat(['-F', config['critical-illness'], '-G', full('critical-illness.check'), full('basic.decisions'), '-e', '-q']);
    expect(own.ok).toBe(true);
    const other = await kcat(['-F', config['critical-illness'], '-G', full('medical-assistance'), full('basic.decisions'), '-e', '-q']);
    expect(other.ok).toBe(false);
    expect(other.err).toMatch(/group authorization failed/i);
  }, 60_000);

  it('gives the agencies no right to create or delete topics', async () => {
    for (const agency of AGENCIES) {
      const admin = kafkaAs(agency).admin();
      await admin.connect();
      try {
        expect(await refusal(admin.createTopics({ topics: [{ topic: full(`${agency}.extra`), numPartitions: 1 }] }))).toMatch(
          /AUTHORIZATION_FAILED/,
        );
        expect(await refusal(admin.deleteTopics({ topics: [full(WRITES[agency][0])], timeout: 5000 }))).toMatch(/AUTHORIZATION_FAILED/);
      } finally {
        await admin.disconnect();
      }
    }
    const stillThere = await kcat(['-F', config.audit, '-L', '-m', '10']);
    expect(stillThere.out).toContain(`topic "${full('basic.claims')}"`);
  }, 60_000);
});
