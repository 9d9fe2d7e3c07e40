import type { AssistancePolicyDto, BasicPolicyDto, CriticalIllnessPolicyDto, GrantDto } from '@msb/contracts';
import { money, print, ZERO } from '@msb/money';
import {
  applyFact,
  AssistancePolicy,
  assistancePolicyFromWire,
  BasicPolicy,
  basicPolicyFromWire,
  claimFromWire,
  CriticalIllnessPolicy,
  criticalIllnessPolicyFromWire,
  decideAssistanceYear,
  decideBasicYear,
  decideCriticalIllnessYear,
  emptyFactBook,
  grantFromWire,
  settleBook,
} from '@msb/settlement';
import { decisionKey, grantsAt, latestDecisions, LogIndex, Payer, personYearId, policyKey } from '../analysis/log.index';

export interface Difference {
  kind: 'DECISION' | 'FINAL' | 'MISSING_INPUT' | 'PAYMENTS';
  payer: Payer;
  personYear: string;
  eventId?: string;
  claimId?: string;
  field: string;
  recorded: unknown;
  replayed: unknown;
}

export interface ReplayResult {
  decisions: number;
  personYears: number;
  differences: Difference[];
}

class PolicyCache<Dto, Terms> {
  private readonly parsed = new Map<string, Terms>();
  constructor(
    private readonly source: Map<string, Dto>,
    private readonly parse: (dto: Dto) => Terms,
  ) {}
  get(key: string): Terms | undefined {
    let terms = this.parsed.get(key);
    if (terms === undefined) {
      const dto = this.source.get(key);
      if (dto === undefined) return undefined;
      this.parsed.set(key, (terms = this.parse(dto)));
    }
    return terms;
  }
}

const grants = (list: GrantDto[]) => list.map(grantFromWire);

/** Amounts repeat across decisions (each revision repeats the year's claims): parse each text once. */
const parsed = new Map<string, ReturnType<typeof money>>();
function amount(text: string): ReturnType<typeof money> {
  let value = parsed.get(text);
  if (value === undefined) {
    if (parsed.size > 500_000) parsed.clear();
    parsed.set(text, (value = money(text)));
  }
  return value;
}

/**
 * Re-derives every decision the payers recorded, with today's rules (libs/settlement), from
 * exactly the inputs each decision names (claim versions, the upstream decision's revision,
 * the eligibility revision, the policy revision); then settles the final facts from scratch
 * and compares with what each payer finally paid. Nothing is published: a replay only reads.
 */
export function replay(index: LogIndex): ReplayResult {
  const differences: Difference[] = [];
  const basicPolicies = new PolicyCache<BasicPolicyDto, BasicPolicy>(index.policies.basic, basicPolicyFromWire);
  const ciPolicies = new PolicyCache<CriticalIllnessPolicyDto, CriticalIllnessPolicy>(
    index.policies.criticalIllness,
    criticalIllnessPolicyFromWire,
  );
  const assistancePolicies = new PolicyCache<AssistancePolicyDto, AssistancePolicy>(index.policies.assistance, assistancePolicyFromWire);
  const differ = (d: Difference) => differences.push(d);
  // each claim version appears in every later decision of its year: parse it once
  const claims = new Map<string, ReturnType<typeof claimFromWire>>();
  const claimAt = (claimId: string, version: number) => {
    const key = `${claimId}@${version}`;
    let claim = claims.get(key);
    if (claim === undefined) {
      const dto = index.claims.get(claimId)?.versions.get(version);
      if (!dto) return undefined;
      claims.set(key, (claim = claimFromWire(dto, version)));
    }
    return claim;
  };

  for (const { data: d, eventId } of index.basic.values()) {
    const py = personYearId(d.personYear);
    const policy = basicPolicies.get(policyKey(d.personYear.region, d.personYear.year, d.policyRevision));
    if (!policy) {
      differ({
        kind: 'MISSING_INPUT',
        payer: 'basic',
        personYear: py,
        eventId,
        field: 'policyRevision',
        recorded: d.policyRevision,
        replayed: null,
      });
      continue;
    }
    const live = [];
    for (const c of d.claims.filter((x) => x.status === 'LIVE')) {
      const claim = claimAt(c.claimId, c.version);
      if (!claim)
        differ({
          kind: 'MISSING_INPUT',
          payer: 'basic',
          personYear: py,
          eventId,
          claimId: c.claimId,
          field: 'claimVersion',
          recorded: c.version,
          replayed: null,
        });
      else live.push(claim);
    }
    const year = decideBasicYear(policy, live);
    const byId = new Map(year.claims.map((c) => [c.claimId, c]));
    for (const c of d.claims) {
      const r = byId.get(c.claimId);
      const replayed =
        c.status === 'LIVE' && r
          ? {
              total: print(r.total),
              policyScope: print(r.policyScope),
              ciExtra: print(r.ciExtra),
              basic: print(r.basic),
              compliantSelfPay: print(r.compliantSelfPay),
            }
          : { total: '0.00', policyScope: '0.00', ciExtra: '0.00', basic: '0.00', compliantSelfPay: '0.00' };
      for (const field of Object.keys(replayed) as (keyof typeof replayed)[]) {
        if (c[field] !== replayed[field])
          differ({
            kind: 'DECISION',
            payer: 'basic',
            personYear: py,
            eventId,
            claimId: c.claimId,
            field,
            recorded: c[field],
            replayed: replayed[field],
          });
      }
    }
    for (const p of d.payments) {
      const c = d.claims.find((x) => x.claimId === p.claimId);
      if (!c || p.paid !== c.basic)
        differ({
          kind: 'PAYMENTS',
          payer: 'basic',
          personYear: py,
          eventId,
          claimId: p.claimId,
          field: 'paid',
          recorded: p.paid,
          replayed: c?.basic ?? null,
        });
    }
  }

  for (const { data: d, eventId } of index.criticalIllness.values()) {
    const py = personYearId(d.personYear);
    const basic = index.basic.get(decisionKey(d.personYear, d.basicRevision));
    const granted = grantsAt(index, d.personYear.personId, d.eligibilityRevision);
    const policy = ciPolicies.get(policyKey(d.personYear.region, d.personYear.year, d.policyRevision));
    if (!basic || !granted || !policy) {
      differ({
        kind: 'MISSING_INPUT',
        payer: 'criticalIllness',
        personYear: py,
        eventId,
        field: !basic ? 'basicRevision' : !granted ? 'eligibilityRevision' : 'policyRevision',
        recorded: null,
        replayed: null,
      });
      continue;
    }
    const live = basic.data.claims.filter((c) => c.status === 'LIVE');
    const year = decideCriticalIllnessYear(
      policy,
      live.map((c) => ({
        claimId: c.claimId,
        version: c.version,
        serviceDate: c.serviceDate,
        visitType: c.visitType,
        compliantSelfPay: amount(c.compliantSelfPay),
      })),
      grants(granted),
    );
    const summary = { tilted: year.tilted, base: print(year.base), threshold: print(year.threshold), entitlement: print(year.entitlement) };
    for (const field of Object.keys(summary) as (keyof typeof summary)[]) {
      if (d[field] !== summary[field])
        differ({
          kind: 'DECISION',
          payer: 'criticalIllness',
          personYear: py,
          eventId,
          field,
          recorded: d[field],
          replayed: summary[field],
        });
    }
    const amounts = new Map(year.claims.map((c) => [c.claimId, print(c.criticalIllness)]));
    const expectedIds = basic.data.claims
      .map((c) => `${c.claimId}@${c.version}`)
      .sort()
      .join(',');
    const recordedIds = d.claims
      .map((c) => `${c.claimId}@${c.version}`)
      .sort()
      .join(',');
    if (expectedIds !== recordedIds)
      differ({
        kind: 'DECISION',
        payer: 'criticalIllness',
        personYear: py,
        eventId,
        field: 'claims',
        recorded: recordedIds,
        replayed: expectedIds,
      });
    for (const c of d.claims) {
      const replayed = amounts.get(c.claimId) ?? '0.00';
      if (c.criticalIllness !== replayed)
        differ({
          kind: 'DECISION',
          payer: 'criticalIllness',
          personYear: py,
          eventId,
          claimId: c.claimId,
          field: 'criticalIllness',
          recorded: c.criticalIllness,
          replayed,
        });
    }
  }

  for (const { data: d, eventId } of index.assistance.values()) {
    const py = personYearId(d.personYear);
    const ci = index.criticalIllness.get(decisionKey(d.personYear, d.criticalIllnessRevision));
    const granted = grantsAt(index, d.personYear.personId, d.eligibilityRevision);
    const policy = assistancePolicies.get(policyKey(d.personYear.region, d.personYear.year, d.policyRevision));
    if (!ci || !granted || !policy) {
      differ({
        kind: 'MISSING_INPUT',
        payer: 'assistance',
        personYear: py,
        eventId,
        field: !ci ? 'criticalIllnessRevision' : !granted ? 'eligibilityRevision' : 'policyRevision',
        recorded: null,
        replayed: null,
      });
      continue;
    }
    if (ci.data.basicRevision !== d.basicRevision)
      differ({
        kind: 'DECISION',
        payer: 'assistance',
        personYear: py,
        eventId,
        field: 'basicRevision',
        recorded: d.basicRevision,
        replayed: ci.data.basicRevision,
      });
    const live = ci.data.claims.filter((c) => c.status === 'LIVE');
    const year = decideAssistanceYear(
      policy,
      live.map((c) => ({
        claimId: c.claimId,
        version: c.version,
        serviceDate: c.serviceDate,
        visitType: c.visitType,
        compliantSelfPay: amount(c.compliantSelfPay),
        criticalIllness: amount(c.criticalIllness),
      })),
      grants(granted),
    );
    const summary = { category: year.category, base: print(year.base), entitlement: print(year.entitlement) };
    for (const field of Object.keys(summary) as (keyof typeof summary)[]) {
      if (d[field] !== summary[field])
        differ({ kind: 'DECISION', payer: 'assistance', personYear: py, eventId, field, recorded: d[field], replayed: summary[field] });
    }
    const byId = new Map(year.claims.map((c) => [c.claimId, c]));
    for (const c of d.claims) {
      const r = byId.get(c.claimId);
      const replayed = r ? print(r.assistance) : '0.00';
      if (c.assistance !== replayed)
        differ({
          kind: 'DECISION',
          payer: 'assistance',
          personYear: py,
          eventId,
          claimId: c.claimId,
          field: 'assistance',
          recorded: c.assistance,
          replayed,
        });
    }
  }

  const personYears = finalState(index, differ);
  return { decisions: index.basic.size + index.criticalIllness.size + index.assistance.size, personYears, differences };
}

/**
 * The final facts settled from scratch must equal what each payer finally paid on every
 * claim, and each payer's payments on a claim must add up to that final amount.
 */
function finalState(index: LogIndex, differ: (d: Difference) => void): number {
  const book = emptyFactBook();
  const latestPolicy = (source: Map<string, unknown>) => {
    const latest = new Map<string, { revision: number; key: string }>();
    for (const key of source.keys()) {
      const [region, year, revision] = key.split('|');
      const ry = `${region}|${year}`;
      if ((latest.get(ry)?.revision ?? 0) < Number(revision)) latest.set(ry, { revision: Number(revision), key });
    }
    return latest;
  };
  const sections = {
    basic: latestPolicy(index.policies.basic),
    criticalIllness: latestPolicy(index.policies.criticalIllness),
    assistance: latestPolicy(index.policies.assistance),
  };
  const regionYears = new Set([...sections.basic.keys(), ...sections.criticalIllness.keys(), ...sections.assistance.keys()]);
  for (const ry of regionYears) {
    const [region, year] = ry.split('|');
    const b = sections.basic.get(ry);
    const c = sections.criticalIllness.get(ry);
    const a = sections.assistance.get(ry);
    applyFact(book, {
      type: 'PolicyPut',
      region,
      year: Number(year),
      basic: b && basicPolicyFromWire(index.policies.basic.get(b.key)!),
      criticalIllness: c && criticalIllnessPolicyFromWire(index.policies.criticalIllness.get(c.key)!),
      assistance: a && assistancePolicyFromWire(index.policies.assistance.get(a.key)!),
    });
  }
  for (const [claimId, facts] of index.claims) {
    const latestVersion = Math.max(...facts.versions.keys());
    const dto = facts.versions.get(latestVersion);
    if (!dto) continue;
    applyFact(book, { type: latestVersion === 1 ? 'ClaimSubmitted' : 'ClaimCorrected', claim: claimFromWire(dto, latestVersion) });
    if (facts.reversed) applyFact(book, { type: 'ClaimReversed', claimId });
  }
  for (const revisions of index.eligibility.values()) {
    const last = revisions.get(Math.max(...revisions.keys()))!;
    for (const g of last) {
      applyFact(book, { type: 'EligibilityGranted', grant: grantFromWire(g) });
      if (g.revoked) applyFact(book, { type: 'EligibilityRevoked', grantId: g.grantId });
    }
  }
  const outcomes = settleBook(book);

  const finals = {
    basic: latestDecisions(index.basic),
    criticalIllness: latestDecisions(index.criticalIllness),
    assistance: latestDecisions(index.assistance),
  };
  const amountOf: Record<Payer, (c: Record<string, unknown>) => string> = {
    basic: (c) => c.basic as string,
    criticalIllness: (c) => c.criticalIllness as string,
    assistance: (c) => c.assistance as string,
  };
  for (const [id, outcome] of outcomes) {
    const expected = new Map<string, Record<Payer, string>>();
    for (const c of outcome.settled.claims)
      expected.set(c.claimId, { basic: print(c.basic), criticalIllness: print(c.criticalIllness), assistance: print(c.assistance) });
    for (const claimId of outcome.reversed) expected.set(claimId, { basic: '0.00', criticalIllness: '0.00', assistance: '0.00' });
    for (const payer of ['basic', 'criticalIllness', 'assistance'] as Payer[]) {
      const last = finals[payer].get(id);
      if (!last) {
        differ({ kind: 'FINAL', payer, personYear: id, field: 'decision', recorded: null, replayed: 'a decision' });
        continue;
      }
      const recorded = new Map(
        (last.data.claims as unknown as Record<string, unknown>[]).map((c) => [c.claimId as string, amountOf[payer](c)]),
      );
      for (const [claimId, amounts] of expected) {
        if (recorded.get(claimId) !== amounts[payer])
          differ({
            kind: 'FINAL',
            payer,
            personYear: id,
            eventId: last.eventId,
            claimId,
            field: payer,
            recorded: recorded.get(claimId) ?? null,
            replayed: amounts[payer],
          });
      }
    }
  }

  // Σ of each payer's payments on a claim = what its last decision says the claim is paid.
  const paidSum = new Map<string, ReturnType<typeof money>>();
  for (const d of index.decisions)
    for (const p of d.data.payments)
      paidSum.set(`${d.payer}|${p.claimId}`, (paidSum.get(`${d.payer}|${p.claimId}`) ?? ZERO).plus(p.amount));
  for (const payer of ['basic', 'criticalIllness', 'assistance'] as Payer[]) {
    for (const [id, last] of finals[payer]) {
      for (const c of last.data.claims as unknown as Record<string, unknown>[]) {
        const sum = print(paidSum.get(`${payer}|${c.claimId as string}`) ?? ZERO);
        if (sum !== amountOf[payer](c))
          differ({
            kind: 'PAYMENTS',
            payer,
            personYear: id,
            eventId: last.eventId,
            claimId: c.claimId as string,
            field: 'sum of payments',
            recorded: sum,
            replayed: amountOf[payer](c),
          });
      }
    }
  }
  return outcomes.size;
}
