import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Agency, AGENCY_ACCESS, AUDITED_TOPICS, prefixed, TOPIC_OWNERS, TopicName } from '@msb/contracts';
import { Client } from 'pg';
import { kafkaAs, testBrokers } from './bus.access';
import type { Fault } from './fault.schedule';
import { repoRoot } from './repo-root.path';
import type { ServiceName, TestSystem } from './system.runner';

interface Infra {
  status: () => Promise<{ kafka: { pid: number | null } }>;
  down: () => Promise<void>;
  startLocalKafka: () => Promise<unknown>;
  brokerAnswers: (brokers: string[], timeoutMs?: number) => Promise<boolean>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A message the schedule put on a topic on purpose: every consumer of the topic must dead-letter it, and nothing else. */
export interface Poisoned {
  topic: string;
  partition: number;
  offset: string;
  consumers: Agency[];
}

/** An event the schedule put in an outbox on purpose: too large for the bus, it must be set aside, never block the rest. */
export interface Oversized {
  service: ServiceName;
  messageId: string;
  bytes: number;
}

/** Who consumes a topic (bus.access.json): each of them dead-letters a poison message on it. */
function consumersOf(topic: TopicName): Agency[] {
  return (Object.entries(AGENCY_ACCESS) as [Agency, { consumes: readonly string[] }][])
    .filter(([, a]) => a.consumes.includes(topic))
    .map(([agency]) => agency);
}

/**
 * Carries out a fault schedule on a running TestSystem: each fault is applied, held and undone
 * (a killed replica is restarted, a frozen one continued, the broker started again, the locks
 * released). What was poisoned or oversized on purpose is kept for the checks at the end.
 */
export class FaultInjector {
  readonly poisoned: Poisoned[] = [];
  readonly oversized: Oversized[] = [];
  readonly applied: string[] = [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  private readonly infra = require(join(repoRoot(), 'deploy/local/infra.js')) as Infra;
  /** The broker restart under way: there is one broker, so restarts that overlap in the schedule take turns. */
  private brokerTurn: Promise<void> = Promise.resolve();

  constructor(
    private readonly system: TestSystem,
    private readonly note: (line: string) => void,
    private readonly random: () => number,
  ) {}

  private async restartBroker(hold: number): Promise<void> {
    if (!(await this.infra.status()).kafka.pid) {
      this.note('Kafka broker not local: its restart is skipped');
      return;
    }
    this.note('Kafka broker stopping');
    await this.infra.down();
    await sleep(hold);
    await this.infra.startLocalKafka();
    if (await this.infra.brokerAnswers(testBrokers())) throw new Error('the broker came back with an anonymous listener');
    this.note('Kafka broker started again, SASL only');
  }

  /** Apply one fault and wait until it is undone. */
  async apply(fault: Fault): Promise<void> {
    const service = fault.service as ServiceName;
    const replica = fault.replica ?? 0;
    const hold = fault.holdMs ?? 0;
    switch (fault.kind) {
      case 'kill': {
        const killed = await this.system.kill(service, 'SIGKILL', replica);
        this.note(`kill -9 ${service}#${replica}: ${JSON.stringify(killed)}`);
        await sleep(hold);
        await this.restartUntilUp(service, replica);
        return;
      }
      case 'freeze':
        await this.system.pause(service, replica);
        this.note(`SIGSTOP ${service}#${replica} for ${hold} ms`);
        await sleep(hold);
        await this.system.resume(service, replica);
        this.note(`SIGCONT ${service}#${replica}`);
        return;
      case 'brokerRestart': {
        // a restart that began while another one was bringing the broker up would stop that broker under its start
        const turn = this.brokerTurn.then(() => this.restartBroker(hold));
        this.brokerTurn = turn.catch(() => undefined);
        return turn;
      }
      case 'cutConnections':
        return this.withAdmin('postgres', async (admin) => {
          const { rowCount } = await admin.query(
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
            [this.system.databaseName(service)],
          );
          this.note(`cut ${rowCount} database connections of ${service}`);
        });
      case 'starvePool':
        // every transaction of the service touches its inbox or outbox: they queue behind the lock and the pool runs dry
        return this.withAdmin(this.system.databaseName(service), async (admin) => {
          await admin.query('BEGIN');
          await admin.query('LOCK TABLE inbox, outbox IN ACCESS EXCLUSIVE MODE');
          this.note(`${service}: inbox and outbox locked for ${hold} ms`);
          await sleep(hold);
          await admin.query('ROLLBACK');
          this.note(`${service}: locks released`);
        });
      case 'poison':
        return this.poison();
      case 'oversized':
        return this.putOversized(service);
      default: {
        const unknown: never = fault.kind;
        throw new Error(`unknown fault ${String(unknown)}`);
      }
    }
  }

  /**
   * Start a killed replica again as a supervisor would: a start that fails (the broker or the
   * database struck at the same moment) is tried again, until it comes up.
   */
  private async restartUntilUp(service: ServiceName, replica: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.system.restart(service, replica);
        this.note(`${service}#${replica} restarted${attempt > 1 ? ` (start ${attempt})` : ''}`);
        return;
      } catch (error) {
        if (attempt >= 10) throw error;
        this.note(`${service}#${replica} did not start (${String((error as Error).message).slice(0, 120)}); starting it again`);
        await sleep(2000);
      }
    }
  }

  /** A message that is not an event (not JSON, or JSON that is no envelope), on a topic, produced by the topic's owner. */
  private async poison(): Promise<void> {
    const topic = AUDITED_TOPICS[Math.floor(this.random() * AUDITED_TOPICS.length)];
    const owner = TOPIC_OWNERS[topic];
    const producer = kafkaAs(owner, `chaos-${owner}`).producer();
    await producer.connect();
    try {
      const value = this.random() < 0.5 ? '{"truncated": ' : JSON.stringify({ id: 'not-a-uuid', type: 'basic.ClaimSubmitted' });
      const [meta] = await producer.send({
        topic: prefixed(this.system.topicPrefix, topic),
        acks: -1,
        messages: [{ key: `chaos:${randomUUID()}`, value }],
      });
      const poisoned = {
        topic: prefixed(this.system.topicPrefix, topic),
        partition: meta.partition,
        offset: meta.baseOffset!,
        consumers: consumersOf(topic),
      };
      this.poisoned.push(poisoned);
      this.note(`poison message on ${topic} [${meta.partition}] @${meta.baseOffset}`);
    } finally {
      await producer.disconnect();
    }
  }

  /** An event of 1.5 MiB in a service's outbox, on one of its own topics: more than the bus takes in one message. */
  private async putOversized(service: ServiceName): Promise<void> {
    const owned = (Object.entries(TOPIC_OWNERS) as [TopicName, Agency][]).filter(([, o]) => o === service).map(([t]) => t);
    const topic = owned[Math.floor(this.random() * owned.length)];
    const messageId = randomUUID();
    const payload = JSON.stringify({ id: messageId, type: 'chaos.Oversized', padding: 'x'.repeat(1.5 * 1024 * 1024) });
    await this.withAdmin(this.system.databaseName(service), async (admin) => {
      await admin.query('INSERT INTO outbox (topic, message_key, message_id, payload) VALUES ($1, $2, $3, $4)', [
        topic,
        `chaos:${messageId}`,
        messageId,
        payload,
      ]);
      await admin.query("SELECT pg_notify('outbox', '')");
    });
    this.oversized.push({ service, messageId, bytes: payload.length });
    this.note(`oversized event (${payload.length} bytes) in the outbox of ${service}, for ${topic}`);
  }

  private async withAdmin(database: string, work: (client: Client) => Promise<void>): Promise<void> {
    const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432');
    url.pathname = `/${database}`;
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await work(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
