import {
  ASSISTANCE_DECISION,
  BASIC_DECISION,
  sameJson,
  CRITICAL_ILLNESS_DECISION,
  DecidedClaim,
  diffDecision,
  type AssistancePolicyDto,
  type BasicCatalogueDto,
  type BasicPolicyDto,
  type CriticalIllnessCatalogueDto,
  type CriticalIllnessPolicyDto,
  type EligibilityWindowDto,
  type Payment,
  type ReasonCode,
} from '@msb/contracts';
import { money, print, ZERO } from '@msb/money';
import {
  applyFact,
  applyPayments,
  AssistancePolicy,
  assistancePolicyFromWire,
  BasicCatalogue,
  basicCatalogueFromWire,
  BasicPolicy,
  basicPolicyFromWire,
  Claim,
  CriticalIllnessCatalogue,
  criticalIllnessCatalogueFromWire,
  CriticalIllnessPolicy,
  criticalIllnessPolicyFromWire,
  HospitalRecord,
  hospitalFromWire,
  NO_CATALOGUE,
  resolveClaim,
  decideAssistancePersonYear,
  decideBasicPersonYear,
  decideCriticalIllnessPersonYear,
  emptyFactBook,
  PaidSoFar,
  PayerOutcome,
  PersonYearDecision,
  RecordedClaim,
  settleBook,
} from '@msb/settlement';
import { DecisionOf, DecisionViews } from '../analysis/decision-views.fold';
import { latestDecisions, LogIndex, Payer, personYearId, policyKey, RecordedDecision, views, windowsAt } from '../analysis/log.index';

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

/** A claim names a hospital that the registry revision a decision was made on does not hold. */
class MissingHospital extends Error {
  constructor(readonly hospitalId: string) {
    super(`hospital ${hospitalId} is not in the registry`);
  }
}

/** The registry as of each revision (every hospital's latest record up to it), built on demand and kept. */
function registryRevisions(index: LogIndex): (revision: number) => ReadonlyMap<string, HospitalRecord> {
  const changes = [...index.hospitals.entries()].sort(([a], [b]) => a - b);
  const built = new Map<number, Map<string, HospitalRecord>>();
  return (revision) => {
    let registry = built.get(revision);
    if (!registry) {
      registry = new Map();
      for (const [r, { hospitalId, record }] of changes) {
        if (r > revision) break;
        registry.set(hospitalId, hospitalFromWire(record));
      }
      built.set(revision, registry);
    }
    return registry;
  };
}

/** Which input a decision names that the log does not hold. */
type Missing = { field: string; claimId?: string; recorded: unknown };

/** A decision's figures, whole: every claim of the year. */
type Summary = { claims: DecidedClaim[] } & Record<string, unknown>;

/**
 * A payer's decisions re-derived one by one, each from the inputs it names (`full`: the
 * recorded decision folded whole), or the input the log lacks.
 */
type Rederive<D> = (full: D, paid: Readonly<Record<string, PaidSoFar>>, reason: ReasonCode) => PayerOutcome<Summary> | Missing;

/** What a decision says besides its claims: its own figures, the year's totals (not who, which revisions it was made on, why or what it paid). */
function figuresOf(d: PersonYearDecision<object>): Record<string, unknown> {
  const {
    personYear: _key,
    revision: _revision,
    previousRevision: _previous,
    policyRevision: _policy,
    catalogueRevision: _catalogue,
    hospitalRegistryRevision: _registry,
    cause: _cause,
    payments: _payments,
    ...figures
  } = d as PersonYearDecision<Record<string, unknown>>;
  return figures;
}

/** The reason a recorded decision's adjustments carry (one per decision); replay takes it as recorded and re-derives the amounts. */
function recordedReason(payments: readonly Payment[]): ReasonCode {
  return payments.find((p) => p.kind === 'ADJUSTED')?.reason ?? 'UPSTREAM_ADJUSTED';
}

/**
 * Where two decisions differ: the figures of the year and of each claim (DECISION), the
 * payments (PAYMENTS), claims or payments present in one and not the other.
 */
function differencesBetween(
  recorded: { summary: object; payments: Payment[] },
  replayed: { summary: object; payments: Payment[] },
  at: Pick<Difference, 'payer' | 'personYear' | 'eventId'>,
): Difference[] {
  const found: Difference[] = [];
  const fields = (kind: Difference['kind'], a: Record<string, unknown>, b: Record<string, unknown>, claimId?: string) => {
    for (const field of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (field === 'claims' || sameJson(a[field], b[field])) continue;
      found.push({ kind, ...at, ...(claimId ? { claimId } : {}), field, recorded: a[field], replayed: b[field] });
    }
  };
  const byClaim = (
    kind: Difference['kind'],
    field: string,
    a: { claimId: string; version: number }[],
    b: { claimId: string; version: number }[],
  ) => {
    const ids = (list: typeof a) =>
      list
        .map((c) => `${c.claimId}@${c.version}`)
        .sort()
        .join(',');
    if (ids(a) !== ids(b)) return found.push({ kind, ...at, field, recorded: ids(a), replayed: ids(b) });
    const other = new Map(b.map((c) => [c.claimId, c]));
    for (const c of a)
      fields(kind, c as unknown as Record<string, unknown>, other.get(c.claimId) as unknown as Record<string, unknown>, c.claimId);
  };
  const a = recorded.summary as Record<string, unknown> & { claims: { claimId: string; version: number }[] };
  const b = replayed.summary as Record<string, unknown> & { claims: { claimId: string; version: number }[] };
  fields('DECISION', a, b);
  byClaim('DECISION', 'claims', a.claims, b.claims);
  byClaim('PAYMENTS', 'payments', recorded.payments, replayed.payments);
  return found;
}

/**
 * Re-derives every decision the payers recorded, with today's rules (libs/settlement's
 * decision of each payer), from exactly the inputs each decision names (claim versions, the
 * upstream decision's revision, the eligibility revision, the policy revision) and what the
 * payer had paid before it; then settles the final facts from scratch and compares with what
 * each payer finally paid. A decision carries only the claims it changed: the replay derives
 * the whole decision, takes what changed since its own previous decision of the person-year,
 * and compares that and the year's totals with what was recorded, canonically. A decision
 * that does not follow the one before it in the log (a gap) is a MISSING_INPUT. Recorded
 * decisions are folded whole (libs/contracts' fold) where an input needs the whole year.
 * Nothing is published: a replay only reads.
 */
export function replay(index: LogIndex): ReplayResult {
  const differences: Difference[] = [];
  const basicPolicies = new PolicyCache<BasicPolicyDto, BasicPolicy>(index.policies.basic, basicPolicyFromWire);
  const ciPolicies = new PolicyCache<CriticalIllnessPolicyDto, CriticalIllnessPolicy>(
    index.policies.criticalIllness,
    criticalIllnessPolicyFromWire,
  );
  const assistancePolicies = new PolicyCache<AssistancePolicyDto, AssistancePolicy>(index.policies.assistance, assistancePolicyFromWire);
  const basicCatalogues = new PolicyCache<BasicCatalogueDto, BasicCatalogue>(index.catalogues.basic, basicCatalogueFromWire);
  const ciCatalogues = new PolicyCache<CriticalIllnessCatalogueDto, CriticalIllnessCatalogue>(
    index.catalogues.criticalIllness,
    criticalIllnessCatalogueFromWire,
  );
  const registryAt = registryRevisions(index);
  // each claim version appears in every later decision of its year: classify it once per catalogue and registry revision
  const parsedClaims = new Map<string, Claim>();
  const resolverFor =
    (catalogueKey: string, catalogue: BasicCatalogue, registry: number, hospitals: ReadonlyMap<string, HospitalRecord>) =>
    (dto: RecordedClaim['claim'], version: number): Claim => {
      const key = `${dto.claimId}@${version}#${catalogueKey}#${registry}`;
      let claim = parsedClaims.get(key);
      if (claim === undefined) {
        const hospital = hospitals.get(dto.hospital.id);
        if (!hospital) throw new MissingHospital(dto.hospital.id);
        parsedClaims.set(key, (claim = resolveClaim(dto, version, catalogue, hospital)));
      }
      return claim;
    };
  const policyOf = <Dto, T>(cache: PolicyCache<Dto, T>, d: PersonYearDecision<object>) =>
    cache.get(policyKey(d.personYear.region, d.personYear.year, d.policyRevision));

  /**
   * Each decision of a payer in log order (revision order within a person-year), on what the
   * replay itself derived as paid before and as its previous decision of the person-year.
   */
  function rederiveAll<P extends Payer>(
    payer: P,
    decisions: Iterable<RecordedDecision<DecisionOf[P]>>,
    totals: (claims: never[]) => unknown,
    rederive: Rederive<DecisionOf[P]>,
  ) {
    const recorded = views(index, payer);
    const paidBefore = new Map<string, Record<string, PaidSoFar>>();
    const derivedBefore = new Map<string, { revision: number; summary: Summary }>();
    for (const { data: d, eventId } of decisions) {
      const py = personYearId(d.personYear);
      const paid = paidBefore.get(py) ?? {};
      const fold: DecisionViews<DecisionOf[P]> = recorded.of(py);
      const before = fold.before(d.revision);
      if (d.previousRevision !== before)
        differences.push({
          kind: 'MISSING_INPUT',
          payer,
          personYear: py,
          eventId,
          field: 'previousRevision',
          recorded: d.previousRevision,
          replayed: before,
        });
      // the replay's own previous decision; the recorded one where the replay has none for it (out of order, or not re-derived)
      const own = derivedBefore.get(py);
      const previous = before === 0 ? null : own?.revision === before ? own.summary : (fold.at(before) as unknown as Summary);
      // (fold.at rewinds only when asked for an earlier revision: the log is read in revision order)
      const recordedBefore = before === 0 ? null : (fold.at(before) as unknown as Summary);
      const full = fold.at(d.revision)!;
      const outcome = rederive(full, paid, recordedReason(d.payments));
      if ('field' in outcome) {
        differences.push({ kind: 'MISSING_INPUT', payer, personYear: py, eventId, ...outcome, replayed: null });
        paidBefore.set(py, applyPayments(paid, d.payments)); // go on from what was recorded
        derivedBefore.set(py, { revision: d.revision, summary: full as unknown as Summary });
        continue;
      }
      const delta = (summary: Summary) => ({
        ...summary,
        claims: diffDecision(previous, summary),
        totals: totals(summary.claims as never[]),
      });
      // what the recorded decision changed in the recorded year (v1 decisions in old logs carry every claim, v2 only those)
      const wrote = {
        summary: { ...figuresOf(d), claims: diffDecision(recordedBefore, full as unknown as Summary) },
        payments: d.payments,
      };
      const derived = { summary: delta(outcome.summary), payments: outcome.payments };
      if (!sameJson(wrote, derived)) differences.push(...differencesBetween(wrote, derived, { payer, personYear: py, eventId }));
      paidBefore.set(py, applyPayments(paid, outcome.payments));
      derivedBefore.set(py, { revision: d.revision, summary: outcome.summary });
    }
  }

  rederiveAll('basic', index.basic.values(), BASIC_DECISION.totals as never, (d, paid, reason) => {
    const policy = policyOf(basicPolicies, d);
    if (!policy) return { field: 'policyRevision', recorded: d.policyRevision };
    // decisions made before the catalogue classified claims name no catalogue: the log cannot re-derive them
    const catalogueKey =
      d.catalogueRevision === undefined ? undefined : policyKey(d.personYear.region, d.personYear.year, d.catalogueRevision);
    const catalogue = catalogueKey === undefined ? undefined : basicCatalogues.get(catalogueKey);
    if (!catalogueKey || !catalogue) return { field: 'catalogueRevision', recorded: d.catalogueRevision ?? null };
    const registry = d.hospitalRegistryRevision ?? 0;
    const claims: RecordedClaim[] = [];
    for (const c of d.claims) {
      const claim = index.claims.get(c.claimId)?.versions.get(c.version);
      if (!claim) return { field: 'claimVersion', claimId: c.claimId, recorded: c.version };
      claims.push({ claim, version: c.version, status: c.status });
    }
    try {
      const resolve = resolverFor(catalogueKey, catalogue, registry, registryAt(registry));
      return decideBasicPersonYear(policy, claims, paid, reason, resolve) as unknown as PayerOutcome<Summary>;
    } catch (error) {
      if (error instanceof MissingHospital) return { field: 'hospitalRegistryRevision', recorded: registry };
      throw error;
    }
  });

  const basicViews = views(index, 'basic');
  rederiveAll('criticalIllness', index.criticalIllness.values(), CRITICAL_ILLNESS_DECISION.totals as never, (d, paid, reason) => {
    const basic = basicViews.of(personYearId(d.personYear)).at(d.basicRevision);
    const windows = windowsAt(index, d.personYear.personId, d.eligibilityRevision);
    const policy = policyOf(ciPolicies, d);
    if (!basic || !windows || !policy)
      return { field: !basic ? 'basicRevision' : !windows ? 'eligibilityRevision' : 'policyRevision', recorded: null };
    const eligibility = { revision: d.eligibilityRevision, windows };
    let catalogue = NO_CATALOGUE;
    if (d.catalogueRevision !== undefined) {
      const covered = ciCatalogues.get(policyKey(d.personYear.region, d.personYear.year, d.catalogueRevision));
      if (!covered) return { field: 'catalogueRevision', recorded: d.catalogueRevision };
      catalogue = { revision: d.catalogueRevision, covered };
    }
    return decideCriticalIllnessPersonYear(
      policy,
      { revision: d.basicRevision, claims: basic.claims },
      eligibility,
      paid,
      reason,
      catalogue,
    ) as unknown as PayerOutcome<Summary>;
  });

  const ciViews = views(index, 'criticalIllness');
  rederiveAll('assistance', index.assistance.values(), ASSISTANCE_DECISION.totals as never, (d, paid, reason) => {
    const ci = ciViews.of(personYearId(d.personYear)).at(d.criticalIllnessRevision);
    // assistance decided on its own grants; the windows published from them decide alike (grants.rules.spec.ts)
    const windows = windowsAt(index, d.personYear.personId, d.eligibilityRevision);
    const policy = policyOf(assistancePolicies, d);
    if (!ci || !windows || !policy) {
      return { field: !ci ? 'criticalIllnessRevision' : !windows ? 'eligibilityRevision' : 'policyRevision', recorded: null };
    }
    const eligibility = { revision: d.eligibilityRevision, windows };
    return decideAssistancePersonYear(policy, ci, eligibility, paid, reason) as unknown as PayerOutcome<Summary>;
  });

  const personYears = finalState(index, (d) => differences.push(d));
  return { decisions: index.basic.size + index.criticalIllness.size + index.assistance.size, personYears, differences };
}

/**
 * The final facts settled from scratch must equal what each payer finally paid on every
 * claim, and each payer's payments on a claim must add up to that final amount.
 */
function finalState(index: LogIndex, differ: (d: Difference) => void): number {
  const book = emptyFactBook();
  /** The latest revision of each region-year in a map keyed region|year|revision (policyKey). */
  const latestOf = <Dto>(source: Map<string, Dto>): Map<string, Dto> => {
    const latest = new Map<string, { revision: number; dto: Dto }>();
    for (const [key, dto] of source) {
      const [region, year, revision] = key.split('|');
      const ry = `${region}|${year}`;
      if ((latest.get(ry)?.revision ?? 0) < Number(revision)) latest.set(ry, { revision: Number(revision), dto });
    }
    return new Map([...latest].map(([ry, { dto }]) => [ry, dto]));
  };
  const regionYearOf = (ry: string) => ({ region: ry.split('|')[0], year: Number(ry.split('|')[1]) });
  const sections = {
    basic: latestOf(index.policies.basic),
    criticalIllness: latestOf(index.policies.criticalIllness),
    assistance: latestOf(index.policies.assistance),
  };
  for (const ry of new Set([...sections.basic.keys(), ...sections.criticalIllness.keys(), ...sections.assistance.keys()])) {
    const [b, c, a] = [sections.basic.get(ry), sections.criticalIllness.get(ry), sections.assistance.get(ry)];
    applyFact(book, {
      type: 'PolicyPut',
      ...regionYearOf(ry),
      basic: b && basicPolicyFromWire(b),
      criticalIllness: c && criticalIllnessPolicyFromWire(c),
      assistance: a && assistancePolicyFromWire(a),
    });
  }
  const catalogues = { basic: latestOf(index.catalogues.basic), criticalIllness: latestOf(index.catalogues.criticalIllness) };
  for (const ry of new Set([...catalogues.basic.keys(), ...catalogues.criticalIllness.keys()])) {
    const [b, c] = [catalogues.basic.get(ry), catalogues.criticalIllness.get(ry)];
    applyFact(book, {
      type: 'CataloguePut',
      ...regionYearOf(ry),
      basic: b && basicCatalogueFromWire(b),
      criticalIllness: c && criticalIllnessCatalogueFromWire(c),
    });
  }
  for (const [hospitalId, record] of index.hospitalsNow)
    applyFact(book, { type: 'HospitalPut', hospitalId, hospital: hospitalFromWire(record) });
  for (const [claimId, facts] of index.claims) {
    const latestVersion = Math.max(...facts.versions.keys());
    const dto = facts.versions.get(latestVersion);
    if (!dto) continue;
    const { eventId: _e, seq: _s, time: _t, ...claim } = dto;
    applyFact(book, { type: latestVersion === 1 ? 'ClaimSubmitted' : 'ClaimCorrected', claim, version: latestVersion });
    if (facts.reversed) applyFact(book, { type: 'ClaimReversed', claimId });
  }
  // the log holds each person's windows, not grants: every window of the latest revision is a grant in force
  for (const [personId, revisions] of index.eligibility) {
    const last = revisions.get(Math.max(...revisions.keys()))!;
    last.forEach((w: EligibilityWindowDto, i) =>
      applyFact(book, { type: 'EligibilityGranted', grant: { ...w, grantId: `${personId}#window-${i}`, personId, revoked: false } }),
    );
  }
  const outcomes = settleBook(book);

  const finals = {
    basic: latestDecisions(index, 'basic'),
    criticalIllness: latestDecisions(index, 'criticalIllness'),
    assistance: latestDecisions(index, 'assistance'),
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
