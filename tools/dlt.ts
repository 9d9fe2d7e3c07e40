/**
 * For operators: the services' dead letters, `npm run dlt -- <command>`.
 *
 *   list [TOPIC]         every service's dead letters (or those of a topic): id, topic, partition,
 *                        offset, type, reason, failed at, retries, status
 *   show ID              one dead letter, with its detail and its last retry
 *   retry ID             run its stored message through its consumer again (applied once; a
 *                        RESOLVED one is not run again)
 *   retry-all TOPIC      retry every OPEN dead letter of a topic, in every service
 *
 * IDs are service-qualified: `critical-illness:12`. Message bodies are never printed (they hold
 * claims and diagnoses). Services at <SERVICE>_URL (BASIC_INSURANCE_URL, CRITICAL_ILLNESS_URL,
 * MEDICAL_ASSISTANCE_URL, AUDIT_URL), else http://127.0.0.1:<SERVICE>_PORT (3001…3004). As an
 * operator: with the token in OPERATOR_TOKEN, else one from the local issuer (npm run infra:up).
 */
import { givenToken, localTokens, ServiceClient } from '@msb/testing';

const SERVICES = { 'basic-insurance': 3001, 'critical-illness': 3002, 'medical-assistance': 3003, audit: 3004 } as const;
type Service = keyof typeof SERVICES;
const isService = (s: string): s is Service => Object.keys(SERVICES).includes(s);

const out = (line = '') => process.stdout.write(`${line}\n`);
process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : 1));

interface DeadLetter {
  id: string;
  consumer: string;
  topic: string;
  partition: number;
  offset: string;
  type: string | null;
  reason: string;
  detail: string;
  failedAt: string;
  retries: number;
  status: string;
  retriable: boolean;
  lastRetryAt: string | null;
  lastRetryReason: string | null;
  resolvedAt: string | null;
}
type Outcome = { id: string; outcome: string; applied?: number; reason?: string; detail?: string };

function table(header: string[], rows: string[][]): void {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ');
  out(line(header));
  out(widths.map((w) => '-'.repeat(w)).join('  '));
  rows.forEach((r) => out(line(r)));
}

function clientOf(service: Service): ServiceClient {
  const env = service.toUpperCase().replace(/-/g, '_');
  const base = process.env[`${env}_URL`] ?? `http://127.0.0.1:${process.env[`${env}_PORT`] ?? SERVICES[service]}`;
  const tokens = process.env.OPERATOR_TOKEN ? givenToken(process.env.OPERATOR_TOKEN) : localTokens();
  return new ServiceClient(base.replace(/\/$/, ''), { tokens, identity: { role: 'operator' } });
}

async function call<T>(service: Service, method: 'GET' | 'POST', path: string): Promise<T> {
  const res = await clientOf(service).request<T>(method, path);
  if (res.status >= 400) {
    const problem = res.body as { title?: string; detail?: string };
    throw new Error(`${service}: ${res.status} ${problem.title ?? ''}: ${problem.detail ?? ''}`);
  }
  return res.body;
}

function parseId(qualified: string | undefined): { service: Service; id: string } {
  const [service, id] = (qualified ?? '').split(':');
  if (!service || !id || !isService(service) || !/^\d+$/.test(id))
    throw new Error(`an id is SERVICE:N, SERVICE one of ${Object.keys(SERVICES).join(', ')} (as \`list\` shows it)`);
  return { service, id };
}

const ok = (o: Outcome) => o.outcome === 'RESOLVED' || o.outcome === 'ALREADY_RESOLVED';
const describe = (o: Outcome) =>
  o.outcome === 'RESOLVED'
    ? `RESOLVED: applied (${o.applied ?? 0} new message${o.applied === 1 ? '' : 's'} handled)`
    : o.outcome === 'ALREADY_RESOLVED'
      ? 'ALREADY_RESOLVED: nothing done'
      : `${o.outcome}${o.reason ? ` ${o.reason}` : ''}: ${o.detail ?? ''}`;

async function main(): Promise<void> {
  const [command, arg] = process.argv.slice(2);
  switch (command) {
    case 'list': {
      const rows: string[][] = [];
      for (const service of Object.keys(SERVICES) as Service[]) {
        try {
          const r = await call<{ deadLetters: DeadLetter[] }>(
            service,
            'GET',
            `/dead-letters${arg ? `?topic=${encodeURIComponent(arg)}` : ''}`,
          );
          for (const d of r.deadLetters)
            rows.push([
              `${service}:${d.id}`,
              d.topic,
              String(d.partition),
              d.offset,
              d.type ?? '',
              d.reason,
              d.failedAt,
              String(d.retries),
              d.status,
            ]);
        } catch (e) {
          process.stderr.write(`${service} not listed: ${e instanceof Error ? e.message : e}\n`);
          process.exitCode = 1;
        }
      }
      table(['id', 'topic', 'partition', 'offset', 'type', 'reason', 'failed at', 'retries', 'status'], rows);
      return;
    }
    case 'show': {
      const { service, id } = parseId(arg);
      const d = await call<DeadLetter>(service, 'GET', `/dead-letters/${id}`);
      const fields: [string, string][] = [
        ['id', `${service}:${d.id}`],
        ['consumer', d.consumer],
        ['topic', `${d.topic} partition ${d.partition} offset ${d.offset}`],
        ['type', d.type ?? '(did not decode)'],
        ['reason', d.reason],
        ['detail', d.detail],
        ['failed at', d.failedAt],
        ['status', d.status + (d.resolvedAt ? ` at ${d.resolvedAt}` : '')],
        ['retries', String(d.retries)],
        ['last retry', d.lastRetryAt ? `${d.lastRetryAt}${d.lastRetryReason ? `: ${d.lastRetryReason}` : ''}` : '-'],
        ['retriable', d.retriable ? 'yes' : 'no (recorded without its message: re-drive it from the dead-letter topic)'],
      ];
      for (const [k, v] of fields) out(`${k.padEnd(10)}  ${v}`);
      return;
    }
    case 'retry': {
      const { service, id } = parseId(arg);
      const o = await call<Outcome>(service, 'POST', `/dead-letters/${id}/retry`);
      out(`${service}:${id} ${describe(o)}`);
      process.exitCode = ok(o) ? 0 : 1;
      return;
    }
    case 'retry-all': {
      if (!arg) throw new Error('usage: retry-all TOPIC');
      let failures = 0;
      for (const service of Object.keys(SERVICES) as Service[]) {
        const r = await call<{ attempted: number; resolved: number; failed: { id: string; reason: string; detail: string }[] }>(
          service,
          'POST',
          `/dead-letters/retry-all?topic=${encodeURIComponent(arg)}`,
        );
        out(`${service}: ${r.attempted} retried, ${r.resolved} resolved, ${r.failed.length} failed`);
        for (const f of r.failed) out(`  ${service}:${f.id} ${f.reason}: ${f.detail}`);
        failures += r.failed.length;
      }
      process.exitCode = failures === 0 ? 0 : 1;
      return;
    }
    default:
      out('usage: npm run dlt -- list [TOPIC] | show SERVICE:ID | retry SERVICE:ID | retry-all TOPIC');
      process.exitCode = 2;
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : e}\n`);
  process.exitCode = 1;
});
