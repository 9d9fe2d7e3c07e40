import { partitionLag, type Database } from '@msb/eventing';
import type { Admin } from 'kafkajs';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Where the gauges read their figures at each scrape: the same sources /status reads. */
export interface MetricSources {
  db: Database;
  admin: Admin;
  /** The consumer groups (broker-side names) and the topics each reads. */
  consumers: () => { group: string; topics: string[] }[];
  /** Person-years waiting for a policy (/status `parked`). */
  parked: () => Promise<number>;
  /** Person-years held back (/status `held`); 0 where the service holds none. */
  held: () => Promise<number>;
}

/** 补付 (a payer pays more) or 追回 (it takes back): the sign of an adjustment. */
export type AdjustmentDirection = 'supplement' | 'recovery';

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800];

/**
 * A service's Prometheus metrics, one registry per process (one service per process). The
 * counters and the histogram are fed where their effect is committed (after the transaction,
 * `afterCommit`), so a retried transaction counts once; the gauges are read at each scrape.
 * Names start with `msb_`; prom-client's default process metrics keep their standard names.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private sources?: MetricSources;
  private defaultsStarted = false;

  private readonly collectErrors = new Counter({
    name: 'msb_metrics_collect_errors_total',
    help: 'Scrapes at which a gauge could not be read (its previous value is kept), by source; a failure shows from the next scrape on',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  /** Claims whose slip reached SETTLED for the first time (basic-insurance). */
  readonly claimsSettled = new Counter({
    name: 'msb_claims_settled_total',
    help: 'Claims whose slip reached SETTLED (all three payers decided on its latest version), counted once per claim',
    registers: [this.registry],
  });

  /** From a claim's acceptance (POST /claims committed) to its slip first showing SETTLED. */
  readonly claimSettleSeconds = new Histogram({
    name: 'msb_claim_settle_seconds',
    help: "Seconds from a claim's acceptance to its slip first showing SETTLED, as the database clock recorded both",
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  /** Adjustments a payer recorded (…Adjusted events), by payer, reason code and sign. */
  readonly adjustments = new Counter({
    name: 'msb_adjustments_total',
    help: 'Adjustments recorded by this payer, by payer, reason code and direction (supplement: 补付, recovery: 追回)',
    labelNames: ['payer', 'reason', 'direction'] as const,
    registers: [this.registry],
  });

  readonly httpRequests = new Counter({
    name: 'msb_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpSeconds = new Histogram({
    name: 'msb_http_request_duration_seconds',
    help: 'Seconds from a request received to its response sent, by method and route template',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    // a gauge's collect() runs with the gauge as `this`; what it reads comes through here
    const read = async (source: string, fn: (s: MetricSources) => Promise<void>): Promise<void> => {
      if (!this.sources) return;
      try {
        await fn(this.sources);
      } catch {
        this.collectErrors.inc({ source });
      }
    };
    const gauge = (name: string, help: string, value: (s: MetricSources) => Promise<number>) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          await read(name, async (s) => this.set(await value(s)));
        },
      });

    new Gauge({
      name: 'msb_consumer_lag',
      help: "Messages a consumer group has not yet committed, per topic and partition (high watermark − the group's committed offset)",
      labelNames: ['group', 'topic', 'partition'] as const,
      registers: [this.registry],
      async collect() {
        await read('msb_consumer_lag', async (s) => {
          const lags = await Promise.all(
            s.consumers().map(async (c) => ({ group: c.group, lags: await partitionLag(s.admin, c.group, c.topics) })),
          );
          this.reset();
          for (const { group, lags: list } of lags)
            for (const p of list) this.set({ group, topic: p.topic, partition: String(p.partition) }, p.lag);
        });
      },
    });
    gauge('msb_outbox_rows', 'Rows in the outbox not yet published (committed transactions only)', async (s) => {
      const [row] = await s.db.query<{ n: string }>('SELECT count(*) AS n FROM outbox');
      return Number(row?.n ?? 0);
    });
    gauge(
      'msb_outbox_oldest_age_seconds',
      'Age of the oldest unpublished outbox row, in seconds (0 when the outbox is empty)',
      async (s) => {
        const [row] = await s.db.query<{ age: number | null }>(
          'SELECT extract(epoch FROM now() - min(created_at))::float8 AS age FROM outbox',
        );
        return Math.max(0, Number(row?.age ?? 0));
      },
    );
    gauge('msb_dead_letters', 'Messages this service set aside to a dead-letter topic (rows of dead_letters)', async (s) => {
      const [row] = await s.db.query<{ n: string }>('SELECT count(*) AS n FROM dead_letters');
      return Number(row?.n ?? 0);
    });
    gauge('msb_parked_person_years', 'Person-years parked until a policy for their region-year arrives', (s) => s.parked());
    gauge('msb_held_person_years', 'Person-years whose decision is held back', (s) => s.held());
  }

  /** Read the gauges from these sources from now on; label every sample with the service. */
  bind(service: string, sources: MetricSources): void {
    this.sources = sources;
    this.registry.setDefaultLabels({ service });
    if (!this.defaultsStarted) {
      collectDefaultMetrics({ register: this.registry });
      this.defaultsStarted = true;
    }
  }

  /** Count a payer's committed adjustments (amounts as decimal strings; the sign decides the direction). */
  countAdjustments(payer: string, adjustments: readonly { amount: string; reason: string }[]): void {
    for (const a of adjustments) {
      const direction: AdjustmentDirection = a.amount.trim().startsWith('-') ? 'recovery' : 'supplement';
      this.adjustments.inc({ payer, reason: a.reason, direction });
    }
  }
}

/** This process's metrics (a process runs one service). */
export const serviceMetrics = new ServiceMetrics();
