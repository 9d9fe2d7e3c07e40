/**
 * The demo workload: policies and catalogues for three regions and their hospitals, a few
 * hundred claims from a population in which some people hold assistance grants, then a
 * retroactive grant that changes what was already paid. Prints the slips, the totals per payer and the adjustments; leaves the
 * system running. Run through `npm run demo`, which starts everything first.
 */
import {
  applyStep,
  demoPolicies,
  generateWorkload,
  inParallel,
  randomTag,
  systemClients,
  waitUntilCaughtUp,
  workloadSetupSteps,
} from '@msb/testing';
import { Decimal } from 'decimal.js';

const out = (line = '') => process.stdout.write(`${line}\n`);

interface Slip {
  claimId: string;
  personId: string;
  region: string;
  status: string;
  total: string;
  basic: string;
  criticalIllness: string;
  assistance: string;
  selfPay: string;
  adjustments: { payer: string; amount: string; reason: string }[];
}

/** Terminal width of a string: CJK characters take two columns. */
const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
const pad = (s: string, w: number, right: boolean) => (right ? ' '.repeat(w - width(s)) + s : s + ' '.repeat(w - width(s)));

function table(rows: string[][], right: boolean[]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => width(r[i]))));
  return rows
    .map(
      (r, n) =>
        r.map((cell, i) => pad(cell, widths[i], right[i])).join('  ') + (n === 0 ? `\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : ''),
    )
    .join('\n');
}

async function main() {
  const clients = systemClients();
  const all = [clients.basic, clients.criticalIllness, clients.assistance, clients.audit];
  const tag = `D${randomTag(4).toUpperCase()}`;
  const year = 2024;
  const regions = ['610100', '321300', '340300']; // 西安, 宿迁, 蚌埠
  const claimCount = Number(process.env.DEMO_CLAIMS ?? 400);
  const workload = generateWorkload({
    seed: 20240101,
    tag,
    regions,
    year,
    people: Math.ceil(claimCount / 3),
    claims: claimCount,
    eligibleShare: 0.15,
  });
  const policies = demoPolicies();

  out(
    `Demo run ${tag}: ${workload.claims.length} claims, ${workload.people.length} people, ${workload.grants.length} with an assistance grant, ${workload.hospitals.length} hospitals, regions ${regions.join(', ')}, year ${year}`,
  );
  // each region's policies and catalogues (医保目录, 大病's admitted codes), and the designated hospitals
  for (const step of workloadSetupSteps(workload, policies)) await applyStep(clients, step);
  await inParallel(workload.grants, 8, (g) => applyStep(clients, { op: 'grantEligibility', ...g }));

  const started = Date.now();
  await inParallel(workload.claims, 16, (claim) => applyStep(clients, { op: 'submitClaim', claim }));
  await waitUntilCaughtUp(all, 300000);
  const seconds = (Date.now() - started) / 1000;
  out(
    `All ${workload.claims.length} claims submitted and settled by the three payers in ${seconds.toFixed(1)} s (${(workload.claims.length / seconds).toFixed(0)} claims/s end to end).\n`,
  );

  // A retroactive decision of civil affairs: a person already settled without assistance
  // is found to have been in extreme poverty since January.
  const slips = new Map<string, Slip>();
  await inParallel(workload.claims, 16, async (c) => {
    const slip = await clients.basic.get<Slip>(`/claims/${c.claimId}`);
    slips.set(c.claimId, slip.body);
  });
  const granted = new Set(workload.grants.map((g) => g.personId));
  const spend = new Map<string, Decimal>();
  for (const s of slips.values())
    if (!granted.has(s.personId)) spend.set(s.personId, (spend.get(s.personId) ?? new Decimal(0)).plus(s.selfPay));
  const [retroPerson] = [...spend.entries()].sort((a, b) => b[1].cmp(a[1]))[0];
  const retroGrant = { grantId: `${tag}-RETRO`, personId: retroPerson, category: 'EXTREME_POVERTY' as const, validFrom: `${year}-01-01` };
  await applyStep(clients, { op: 'grantEligibility', ...retroGrant });
  await waitUntilCaughtUp(all, 120000);
  const retroClaims = workload.claims.filter((c) => c.personId === retroPerson);
  for (const c of retroClaims) slips.set(c.claimId, (await clients.basic.get<Slip>(`/claims/${c.claimId}`)).body);

  const rows = [['claim', 'person', 'region', 'status', 'total', 'basic', 'critical', 'assistance', 'self-pay']];
  const shown = [...slips.values()].sort((a, b) => new Decimal(b.total).cmp(a.total)).slice(0, 25);
  for (const s of shown)
    rows.push([s.claimId, s.personId, s.region, s.status, s.total, s.basic, s.criticalIllness, s.assistance, s.selfPay]);
  out('The 25 largest one-stop slips (一站式结算单) — basic 基本医保, critical 大病保险, assistance 医疗救助:');
  out(table(rows, [false, false, false, false, true, true, true, true, true]));

  const sum = (f: (s: Slip) => string) =>
    [...slips.values()].filter((s) => s.status !== 'REVERSED').reduce((a, s) => a.plus(f(s)), new Decimal(0));
  const settled = [...slips.values()].filter((s) => s.status === 'SETTLED').length;
  out(`\nTotals over ${slips.size} claims (${settled} SETTLED):`);
  out(
    table(
      [
        ['payer', 'paid', 'share'],
        ...[
          ['basic insurance (基本医保)', sum((s) => s.basic)],
          ['critical illness (大病保险)', sum((s) => s.criticalIllness)],
          ['medical assistance (医疗救助)', sum((s) => s.assistance)],
          ['patients (个人自付)', sum((s) => s.selfPay)],
          ['total', sum((s) => s.total)],
        ].map(([name, v]) => [
          name as string,
          (v as Decimal).toFixed(2),
          `${(v as Decimal)
            .div(sum((s) => s.total))
            .times(100)
            .toFixed(1)}%`,
        ]),
      ],
      [false, true, true],
    ),
  );

  out(
    `\nRetroactive case: grant ${retroGrant.grantId} (EXTREME_POVERTY from ${retroGrant.validFrom}) for ${retroPerson}, decided after the claims were paid.`,
  );
  const adjRows = [['claim', 'payer', 'amount', 'reason']];
  for (const c of retroClaims) for (const a of slips.get(c.claimId)!.adjustments) adjRows.push([c.claimId, a.payer, a.amount, a.reason]);
  out(
    adjRows.length > 1
      ? table(adjRows, [false, false, true, false])
      : '  (no adjustment: the person had no self-pay the grant could cover)',
  );
  const ledger = await clients.basic.get<Record<string, unknown>>(`/ledgers/${retroClaims[0].region}/${retroPerson}/${year}`);
  out(
    `  person-year now: basic ${ledger.body.basic}, critical ${ledger.body.criticalIllness}, assistance ${ledger.body.assistance}, self-pay ${ledger.body.selfPay}, tilted ${ledger.body.tilted}`,
  );

  const verify = await clients.audit.post<{ ok: boolean; events: number; head: string }>('/verify');
  out(`\nAudit log: ${verify.body.events} events, chain ${verify.body.ok ? 'verified' : 'BROKEN'}, head ${verify.body.head.slice(0, 16)}…`);
  out(
    '\nThe system keeps running: basic-insurance http://127.0.0.1:3001, critical-illness :3002, medical-assistance :3003, audit :3004 (OpenAPI at /docs).',
  );
  out('Stop it with: npm run down   (and the local Kafka broker with: npm run infra:down)');
}

main().catch((e) => {
  process.stderr.write(`demo failed: ${e instanceof Error ? e.stack : e}\n`);
  process.exit(1);
});
