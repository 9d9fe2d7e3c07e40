import type { ClaimDto } from '@msb/contracts';
import { Decimal, money, sum } from '@msb/money';
import { covers } from '@msb/settlement';
import { ClaimFacts, Evidence, latestDecisions, LogIndex, personYearId, views, windowsAt } from '../analysis/log.index';

export const FRAUD_RULES = [
  'DUPLICATE_CLAIM', // 重复收费: same person, hospital, dates and amount
  'OVERLAPPING_STAYS', // two inpatient stays at once
  'SPLIT_ADMISSION', // 分解住院: readmission, same diagnosis, within N days of discharge
  'IMPLAUSIBLE_ADMISSIONS', // more admissions in a year than plausible
  'IMPLAUSIBLE_LENGTH_OF_STAY', // 挂床住院 suspicion
  'AMOUNT_OUTLIER', // far above peers (diagnosis, hospital level, visit type): robust z on the median absolute deviation
  'ASSISTANCE_WITHOUT_ELIGIBILITY', // assistance paid for a service date no grant covers
] as const;
export const INTEGRITY_RULES = [
  'CONSERVATION',
  'ASSISTANCE_BEFORE_CRITICAL_ILLNESS',
  'PAYMENT_ON_REVERSED_CLAIM',
  'ADJUSTMENTS_MISMATCH',
] as const;
export type RuleCode = (typeof FRAUD_RULES)[number] | (typeof INTEGRITY_RULES)[number];

export interface Flag {
  type: RuleCode;
  category: 'FRAUD' | 'INTEGRITY';
  personId: string;
  claimIds: string[];
  detail: string;
  /** The events that triggered the flag. */
  evidence: Evidence[];
}

export interface FlagThresholds {
  splitAdmissionDays: number;
  maxAdmissionsPerYear: number;
  maxLengthOfStayDays: number;
  outlierMinPeers: number;
  outlierRobustZ: number;
}

export const DEFAULT_THRESHOLDS: FlagThresholds = {
  splitAdmissionDays: 15,
  maxAdmissionsPerYear: 12,
  maxLengthOfStayDays: 90,
  outlierMinPeers: 20,
  outlierRobustZ: 6,
};

interface LiveClaim {
  dto: ClaimDto & Evidence;
  version: number;
  total: Decimal;
}

const DAY = 86_400_000;
const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY);
const evidenceOf = (...claims: LiveClaim[]) => claims.map((c) => ({ eventId: c.dto.eventId, seq: c.dto.seq, time: c.dto.time }));

/** The latest version of every claim that has not been reversed. */
function liveClaims(claims: Map<string, ClaimFacts>): LiveClaim[] {
  const live: LiveClaim[] = [];
  for (const facts of claims.values()) {
    if (facts.reversed) continue;
    const version = Math.max(...facts.versions.keys());
    const dto = facts.versions.get(version);
    if (dto) live.push({ dto, version, total: sum(dto.items.map((i) => money(i.amount))) });
  }
  return live;
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function median(sorted: Decimal[]): Decimal {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : sorted[mid - 1].plus(sorted[mid]).div(2);
}

/** Fraud patterns (医疗保障基金使用监督管理条例 art. 38, 40) in the claims the log holds. */
export function fraudFlags(index: LogIndex, t: FlagThresholds): Flag[] {
  const flags: Flag[] = [];
  const live = liveClaims(index.claims);
  const flag = (type: RuleCode, personId: string, claims: LiveClaim[], detail: string) =>
    flags.push({ type, category: 'FRAUD', personId, claimIds: claims.map((c) => c.dto.claimId), detail, evidence: evidenceOf(...claims) });

  for (const group of groupBy(live, (c) =>
    [c.dto.personId, c.dto.hospital.id, c.dto.admissionDate ?? '', c.dto.serviceDate, c.total.toFixed(2)].join('|'),
  ).values()) {
    if (group.length > 1)
      flag(
        'DUPLICATE_CLAIM',
        group[0].dto.personId,
        group,
        `${group.length} claims for the same stay at ${group[0].dto.hospital.id} on ${group[0].dto.serviceDate}, each ${group[0].total.toFixed(2)}`,
      );
  }

  const stays = live.filter((c) => c.dto.visitType === 'INPATIENT' && c.dto.admissionDate);
  for (const [personId, list] of groupBy(stays, (c) => c.dto.personId)) {
    // in order of admission, then discharge, then id: the flags never depend on the order claims arrived in
    const key = (c: LiveClaim) => `${c.dto.admissionDate}|${c.dto.serviceDate}|${c.dto.claimId}`;
    const sorted = [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    for (let i = 0; i < sorted.length; i++) {
      const a = sorted[i];
      const los = days(a.dto.admissionDate!, a.dto.serviceDate);
      if (los > t.maxLengthOfStayDays)
        flag('IMPLAUSIBLE_LENGTH_OF_STAY', personId, [a], `a stay of ${los} days (more than ${t.maxLengthOfStayDays})`);
      for (let j = i + 1; j < sorted.length; j++) {
        const b = sorted[j];
        // two stays overlap when each began before the other ended, or both began the same day
        // (a transfer on the day of discharge is not an overlap)
        const overlap =
          (b.dto.admissionDate! < a.dto.serviceDate && a.dto.admissionDate! < b.dto.serviceDate) ||
          a.dto.admissionDate === b.dto.admissionDate;
        if (overlap) {
          flag(
            'OVERLAPPING_STAYS',
            personId,
            [a, b],
            `admitted ${b.dto.admissionDate} at ${b.dto.hospital.id} while in ${a.dto.hospital.id} from ${a.dto.admissionDate} to ${a.dto.serviceDate}`,
          );
          continue;
        }
        const gap = days(a.dto.serviceDate, b.dto.admissionDate!);
        const shared = a.dto.diagnosis.filter((d) => b.dto.diagnosis.includes(d));
        if (gap <= t.splitAdmissionDays && shared.length > 0) {
          flag('SPLIT_ADMISSION', personId, [a, b], `readmitted ${gap} days after discharge with the same diagnosis ${shared.join(', ')}`);
        }
      }
    }
    for (const [year, inYear] of groupBy(sorted, (c) => c.dto.serviceDate.slice(0, 4))) {
      if (inYear.length > t.maxAdmissionsPerYear)
        flag('IMPLAUSIBLE_ADMISSIONS', personId, inYear, `${inYear.length} admissions in ${year} (more than ${t.maxAdmissionsPerYear})`);
    }
  }

  // the hospital's level as the registry last recorded it
  const level = (hospitalId: string) => index.hospitalsNow.get(hospitalId)?.level ?? 'unregistered';
  for (const [peers, group] of groupBy(live, (c) => `${c.dto.diagnosis[0]}|${level(c.dto.hospital.id)}|${c.dto.visitType}`)) {
    if (group.length < t.outlierMinPeers) continue;
    const totals = group.map((c) => c.total).sort((a, b) => a.cmp(b));
    const med = median(totals);
    const deviations = totals.map((x) => x.minus(med).abs());
    const mad = median([...deviations].sort((a, b) => a.cmp(b)));
    // most peers at one price (a fixed or bundled fee) make the MAD 0: fall back to the mean absolute deviation
    const spread = mad.isZero()
      ? deviations
          .reduce((a, b) => a.plus(b), money('0'))
          .div(deviations.length)
          .times('1.2533')
      : mad.times('1.4826');
    if (spread.isZero()) continue;
    const scale = spread;
    for (const c of group) {
      const z = c.total.minus(med).div(scale);
      if (z.gt(t.outlierRobustZ))
        flag(
          'AMOUNT_OUTLIER',
          c.dto.personId,
          [c],
          `total ${c.total.toFixed(2)} is ${z.toFixed(1)} robust deviations above the median ${med.toFixed(2)} of ${group.length} peers (${peers})`,
        );
    }
  }

  for (const d of latestDecisions(index, 'assistance').values()) {
    const windows = windowsAt(index, d.data.personYear.personId, d.data.eligibilityRevision) ?? [];
    for (const c of d.data.claims) {
      if (money(c.assistance).lte(0)) continue;
      const serviceDate = index.claims.get(c.claimId)?.versions.get(c.version)?.serviceDate;
      if (serviceDate && !windows.some((w) => covers(w, serviceDate))) {
        flags.push({
          type: 'ASSISTANCE_WITHOUT_ELIGIBILITY',
          category: 'FRAUD',
          personId: d.data.personYear.personId,
          claimIds: [c.claimId],
          detail: `assistance ${c.assistance} paid for a service on ${serviceDate}, which no grant in force covers`,
          evidence: [{ eventId: d.eventId, seq: d.seq, time: d.time }],
        });
      }
    }
  }
  return flags;
}

/**
 * Checks on the stream itself: what the payers recorded must hold together. Decisions carry
 * only the claims they changed; where a check needs the whole year it reads the decisions
 * folded whole (per person-year, in revision order).
 */
export function integrityFlags(index: LogIndex): Flag[] {
  const flags: Flag[] = [];
  const basic = latestDecisions(index, 'basic');
  const ci = latestDecisions(index, 'criticalIllness');
  const assistance = latestDecisions(index, 'assistance');
  const zero = money('0');
  const evidence = (x: Evidence) => ({ eventId: x.eventId, seq: x.seq, time: x.time });

  for (const [id, b] of basic) {
    const c = ci.get(id);
    const a = assistance.get(id);
    for (const claim of b.data.claims) {
      const ciAmount = money(c?.data.claims.find((x) => x.claimId === claim.claimId)?.criticalIllness ?? '0');
      const aAmount = money(a?.data.claims.find((x) => x.claimId === claim.claimId)?.assistance ?? '0');
      const paid = money(claim.basic).plus(ciAmount).plus(aAmount);
      const total = money(claim.total);
      if (claim.status === 'LIVE' && (paid.gt(total) || ciAmount.lt(zero) || aAmount.lt(zero))) {
        flags.push({
          type: 'CONSERVATION',
          category: 'INTEGRITY',
          personId: b.data.personYear.personId,
          claimIds: [claim.claimId],
          detail: `basic ${claim.basic} + 大病 ${ciAmount.toFixed(2)} + assistance ${aAmount.toFixed(2)} exceeds the total ${claim.total}`,
          evidence: [b, c, a].filter((x) => x !== undefined).map((x) => evidence(x!)),
        });
      }
    }
  }

  const assistanceViews = views(index, 'assistance');
  const ciViews = views(index, 'criticalIllness');
  for (const d of index.assistance.values()) {
    const py = personYearId(d.data.personYear);
    const source = index.criticalIllness.get(`${py}#${d.data.criticalIllnessRevision}`);
    const decided = assistanceViews.of(py).at(d.data.revision) ?? d.data;
    const upstream = source && ciViews.of(py).at(d.data.criticalIllnessRevision);
    const mismatch = upstream && decided.claims.some((c) => upstream.claims.find((x) => x.claimId === c.claimId)?.version !== c.version);
    if (!source || source.time > d.time || mismatch) {
      flags.push({
        type: 'ASSISTANCE_BEFORE_CRITICAL_ILLNESS',
        category: 'INTEGRITY',
        personId: d.data.personYear.personId,
        claimIds: decided.claims.map((c) => c.claimId),
        detail: !source
          ? `assistance decided on 大病 revision ${d.data.criticalIllnessRevision}, which is not in the log`
          : mismatch
            ? 'assistance decided other claim versions than the 大病 decision it names'
            : `assistance decided at ${d.time}, before the 大病 decision it names (${source.time})`,
        evidence: [evidence(d), ...(source ? [evidence(source)] : [])],
      });
    }
  }

  // A payer may have paid a claim on a revision in which it was live, and claw it back on the
  // next; what must never happen is a payment in a decision that itself knows the claim as
  // reversed: one that leaves an amount on it (a claim it changed) or pays more on it.
  const all = { basic: views(index, 'basic'), criticalIllness: ciViews, assistance: assistanceViews };
  for (const d of index.decisions) {
    const py = personYearId(d.data.personYear);
    const changed = new Set(d.data.claims.map((c) => c.claimId));
    const whole = (all[d.payer].of(py).at(d.data.revision) ?? d.data).claims as unknown as Record<string, unknown>[];
    for (const c of whole) {
      if (c.status !== 'REVERSED') continue;
      const amount = money(c[d.payer] as string);
      const paying = d.data.payments.find((p) => p.claimId === c.claimId && money(p.amount).gt(0));
      if (!paying && (amount.isZero() || !changed.has(c.claimId as string))) continue;
      const reversal = index.claims.get(c.claimId as string)?.reversed;
      flags.push({
        type: 'PAYMENT_ON_REVERSED_CLAIM',
        category: 'INTEGRITY',
        personId: d.data.personYear.personId,
        claimIds: [c.claimId as string],
        detail: `${d.payer} ${paying ? `paid ${paying.amount}` : `leaves ${amount.toFixed(2)}`} on claim ${c.claimId as string} in a decision that knows it as reversed`,
        evidence: [...(reversal ? [reversal] : []), evidence(d)],
      });
    }
  }

  const sums = new Map<string, { sum: Decimal; evidence: Evidence[] }>();
  for (const d of index.decisions) {
    for (const p of d.data.payments) {
      const key = `${d.payer}|${p.claimId}`;
      const entry = sums.get(key) ?? { sum: zero, evidence: [] };
      entry.sum = entry.sum.plus(p.amount);
      entry.evidence.push(evidence(d));
      sums.set(key, entry);
    }
  }
  const finals: [string, Map<string, { data: { personYear: { personId: string }; claims: Record<string, unknown>[] } } & Evidence>][] = [
    ['basic', basic as never],
    ['criticalIllness', ci as never],
    ['assistance', assistance as never],
  ];
  for (const [payer, latest] of finals) {
    for (const d of latest.values()) {
      for (const c of d.data.claims) {
        const final = money(c[payer] as string);
        const entry = sums.get(`${payer}|${c.claimId as string}`);
        if (!entry || !entry.sum.eq(final)) {
          flags.push({
            type: 'ADJUSTMENTS_MISMATCH',
            category: 'INTEGRITY',
            personId: d.data.personYear.personId,
            claimIds: [c.claimId as string],
            detail: `${payer}'s payments on the claim add up to ${(entry?.sum ?? zero).toFixed(2)}, its last decision says ${final.toFixed(2)}`,
            evidence: entry?.evidence ?? [evidence(d)],
          });
        }
      }
    }
  }
  return flags;
}
