/**
 * For auditors: `npm run audit -- <command>` against the running audit service
 * (AUDIT_URL, default http://127.0.0.1:3004).
 *
 *   verify               recompute the hash chains and Merkle checkpoints
 *   history <claimId>    every event about a claim, from every agency
 *   replay               re-derive every decision with today's rules; list the differences
 *   flags [type]         fraud and integrity flags with their evidence
 *   ledger <region> <personId> <year> [asOf]   what each payer had paid, as known at a time
 *   prove <claimId>      each entry of the claim, its leaf hash recomputed and its inclusion
 *                        proof verified against the latest signed checkpoint (the checkpoint's
 *                        signature checked with AUDIT_VERIFIER_KEY, else the key the service serves)
 *
 * As an auditor: with the token in AUDIT_TOKEN, else one from the local issuer (npm run infra:up).
 */
import { givenToken, localTokens, ServiceClient } from '@msb/testing';
import { allPages, prove } from './audit-prove';

const out = (line = '') => process.stdout.write(`${line}\n`);
// `| head` closing the pipe is not an error
process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : 1));
const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);

function table(header: string[], rows: string[][]): void {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => width(r[i] ?? ''))));
  const line = (r: string[]) => r.map((c, i) => (c ?? '') + ' '.repeat(widths[i] - width(c ?? ''))).join('  ');
  out(line(header));
  out(widths.map((w) => '-'.repeat(w)).join('  '));
  rows.forEach((r) => out(line(r)));
}

async function call<T>(client: ServiceClient, method: 'GET' | 'POST', path: string): Promise<T> {
  const res = await client.request<T>(method, path);
  if (res.status >= 400) {
    const problem = res.body as { title?: string; detail?: string };
    throw new Error(`${res.status} ${problem.title ?? ''}: ${problem.detail ?? JSON.stringify(res.body)}`);
  }
  return res.body;
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  const tokens = process.env.AUDIT_TOKEN ? givenToken(process.env.AUDIT_TOKEN) : localTokens();
  const client = new ServiceClient(process.env.AUDIT_URL ?? 'http://127.0.0.1:3004', { tokens, identity: { role: 'auditor' } });
  switch (command) {
    case 'verify': {
      const r = await call<{
        ok: boolean;
        events: number;
        chains: number;
        head: string;
        checkpoints: number;
        brokenAt?: Record<string, string>;
        brokenCheckpoint?: Record<string, string>;
      }>(client, 'POST', '/verify');
      out(`${r.ok ? 'OK' : 'BROKEN'}: ${r.events} events in ${r.chains} chains, ${r.checkpoints} checkpoints, head ${r.head}`);
      if (r.brokenAt)
        out(
          `first broken entry: seq ${r.brokenAt.seq}, event ${r.brokenAt.eventId}, chain ${r.brokenAt.chain} #${r.brokenAt.chainSeq}: ${r.brokenAt.problem}`,
        );
      if (r.brokenCheckpoint)
        out(
          `checkpoint ${r.brokenCheckpoint.id} of ${r.brokenCheckpoint.createdAt} (size ${r.brokenCheckpoint.treeSize}) no longer matches: recorded ${r.brokenCheckpoint.recorded}, recomputed ${r.brokenCheckpoint.recomputed}`,
        );
      process.exitCode = r.ok ? 0 : 1;
      return;
    }
    case 'history': {
      if (!args[0]) throw new Error('usage: history <claimId>');
      const r = await allPages<{ events: Record<string, unknown>[]; nextCursor?: string | null }>(
        client,
        `/claims/${encodeURIComponent(args[0])}/history`,
        'events',
      );
      table(
        ['time', 'agency', 'type', 'rev', 'cause', 'payments', 'caused by', 'hash'],
        r.events.map((e) => [
          String(e.time),
          String(e.agency),
          String(e.type),
          String(e.revision ?? e.version ?? ''),
          String((e.cause as { reason?: string } | undefined)?.reason ?? (e.reason as string | undefined) ?? ''),
          ((e.payments as { kind: string; amount: string; reason: string }[] | undefined) ?? [])
            .map((p) => `${p.kind} ${p.amount} ${p.reason}`)
            .join('; '),
          String(e.causationId ?? '').slice(0, 8),
          String(e.hash).slice(0, 12),
        ]),
      );
      return;
    }
    case 'replay': {
      const r = await call<{
        events: number;
        decisions: number;
        personYears: number;
        seconds: number;
        eventsPerSecond: number;
        differences: Record<string, unknown>[];
      }>(client, 'POST', '/replays');
      out(
        `replayed ${r.events} events, re-derived ${r.decisions} decisions and ${r.personYears} person-years in ${r.seconds} s (${r.eventsPerSecond} events/s): ${r.differences.length} differences`,
      );
      if (r.differences.length)
        table(
          ['kind', 'payer', 'person-year', 'claim', 'field', 'recorded', 'replayed'],
          r.differences
            .slice(0, 200)
            .map((d) =>
              [d.kind, d.payer, d.personYear, d.claimId ?? '', d.field, JSON.stringify(d.recorded), JSON.stringify(d.replayed)].map(String),
            ),
        );
      process.exitCode = r.differences.length ? 1 : 0;
      return;
    }
    case 'flags': {
      const r = await allPages<{
        counts: Record<string, number>;
        flags: { type: string; personId: string; claimIds: string[]; detail: string; evidence: { eventId: string }[] }[];
        nextCursor?: string | null;
      }>(client, `/flags${args[0] ? `?type=${encodeURIComponent(args[0])}` : ''}`, 'flags');
      out(
        `flags: ${
          Object.entries(r.counts)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') || 'none'
        }`,
      );
      if (r.flags.length)
        table(
          ['rule', 'person', 'claims', 'detail', 'evidence'],
          r.flags.map((f) => [f.type, f.personId, f.claimIds.join(' '), f.detail, f.evidence.map((e) => e.eventId.slice(0, 8)).join(' ')]),
        );
      return;
    }
    case 'ledger': {
      const [region, personId, year, asOf] = args;
      if (!year) throw new Error('usage: ledger <region> <personId> <year> [asOf]');
      const r = await call<{
        asOf: string;
        payers: Record<string, { revision: number; decidedAt: string; paid: string }>;
        claims: Record<string, string>[];
      }>(client, 'GET', `/ledgers/${region}/${personId}/${year}${asOf ? `?asOf=${encodeURIComponent(asOf)}` : ''}`);
      out(
        `as of ${r.asOf}: ${Object.entries(r.payers)
          .map(([payer, p]) => `${payer} ${p.paid} (revision ${p.revision}, ${p.decidedAt})`)
          .join('; ')}`,
      );
      table(
        ['claim', 'version', 'status', 'basic', 'critical', 'assistance'],
        r.claims.map((c) => [c.claimId, String(c.version), c.status, c.basic, c.criticalIllness, c.assistance]),
      );
      return;
    }
    case 'prove': {
      if (!args[0]) throw new Error('usage: prove <claimId>');
      process.exitCode = (await prove(client, args[0], out)) ? 0 : 1;
      return;
    }
    default:
      out(
        'usage: npm run audit -- verify | history <claimId> | replay | flags [type] | ledger <region> <personId> <year> [asOf] | prove <claimId>',
      );
      process.exitCode = 2;
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : e}\n`);
  process.exitCode = 1;
});
