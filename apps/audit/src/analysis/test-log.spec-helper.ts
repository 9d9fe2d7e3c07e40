import type {
  AnyEnvelope,
  FundContractDto,
  AssistancePersonYearDecided,
  AssistancePolicyDto,
  BasicCatalogueDto,
  BasicPersonYearDecided,
  BasicPolicyDto,
  Cause,
  ClaimDto,
  ClaimItemDto,
  CriticalIllnessCatalogueDto,
  CriticalIllnessPersonYearDecided,
  CriticalIllnessPolicyDto,
  EligibilityChangedV1,
  EventData,
  EventType,
  GrantDto,
  HospitalRecordDto,
  PersonYearRef,
} from '@msb/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assistanceTotals,
  basicTotals,
  criticalIllnessTotals,
  decodeMessage,
  diffDecision,
  eligibilityWindows,
  EVENT_TYPES,
} from '@msb/contracts';
import { money, print, ZERO } from '@msb/money';
import {
  applyPayments,
  assistancePolicyFromWire,
  basicCatalogueFromWire,
  basicPolicyFromWire,
  criticalIllnessCatalogueFromWire,
  criticalIllnessPolicyFromWire,
  decideAssistanceYear,
  decideBasicPersonYear,
  decideCriticalIllnessPersonYear,
  grantFromWire,
  hospitalFromWire,
  PaidSoFar,
  paymentsFor,
  reasonFromUpstream,
  resolveClaim,
  yearOf,
} from '@msb/settlement';
import { emptyIndex, Evidence, indexEvent, LogIndex, Payer, personYearId, readLogged } from './log.index';

/**
 * For specs only: an audit log written the way the three payers write it, in memory. Facts
 * (policy sections, catalogues, hospital records, claims, reversals, grants) become envelopes
 * as they happen (a claim from one of FIXTURE_HOSPITALS registers it first, as basic requires
 * a registered hospital before its claims); `decide`
 * settles a person-year with libs/settlement in the legal order (basic, 大病, assistance) and
 * records each payer's person-year decision with its revision, its inputs' revisions and the
 * payments that move what was paid to what is now due, carrying (v2) only the claims that
 * changed since its previous decision and the year's totals. 大病 decides on the eligibility windows
 * it receives, assistance on its own grants, as the services do. Every envelope is validated
 * against the registry, so the log is one the audit service could have consumed; specs then
 * tamper with `envelopes` and fold them with `index()`.
 */
export class TestLog {
  /**
   * The log as the audit service records it: each event as published. With `eligibilityVersion`
   * 1 (a log from before windows, or up to an upgrade when switched later) the eligibility events
   * are v1 with whole grant lists: their `data` is then not the v2 shape the type says; `index()`
   * upcasts them as the audit service's reader does.
   */
  readonly envelopes: AnyEnvelope[] = [];
  eligibilityVersion: 1 | 2 = 2;
  /** 1: person-year decisions as published before deltas (every claim, no previousRevision or totals). */
  decisionVersion: 1 | 2 = 2;
  private readonly policies = {
    basic: new Map<string, { revision: number; dto: BasicPolicyDto }>(),
    criticalIllness: new Map<string, { revision: number; dto: CriticalIllnessPolicyDto }>(),
    assistance: new Map<string, { revision: number; dto: AssistancePolicyDto }>(),
  };
  private readonly catalogues = {
    basic: new Map<string, { revision: number; dto: BasicCatalogueDto }>(),
    criticalIllness: new Map<string, { revision: number; dto: CriticalIllnessCatalogueDto }>(),
  };
  /** The bureau's hospital registry: one revision counter for the whole registry. */
  private readonly hospitals = new Map<string, HospitalRecordDto>();
  private hospitalRegistryRevision = 0;
  private readonly claims = new Map<string, { dto: ClaimDto; version: number; reversed: boolean }>();
  private readonly eligibility = new Map<string, { revision: number; grants: GrantDto[] }>();
  private readonly paid: Record<Payer, Record<string, PaidSoFar>> = { basic: {}, criticalIllness: {}, assistance: {} };
  /** Each payer's last decision of each person-year, whole (what is published carries only what changed). */
  private readonly lastBasic = new Map<string, BasicPersonYearDecided>();
  private readonly lastCi = new Map<string, CriticalIllnessPersonYearDecided>();
  private readonly lastAssistance = new Map<string, AssistancePersonYearDecided>();

  /** A whole decision as published: the claims that changed since `previous`, the revision it follows (v1: whole). */
  private publishDecision<D extends { revision: number; previousRevision: number; claims: { claimId: string }[]; totals: unknown }>(
    type: 'basic.PersonYearDecided' | 'critical-illness.PersonYearDecided' | 'assistance.PersonYearDecided',
    previous: D | undefined,
    whole: D,
    subject: string,
  ): AnyEnvelope {
    if (this.decisionVersion === 1) {
      const { previousRevision: _previous, totals: _totals, ...v1 } = whole;
      return this.publish(type, 1, v1, subject);
    }
    return this.publish(
      type,
      EVENT_TYPES[type].version,
      { ...whole, previousRevision: previous?.revision ?? 0, claims: diffDecision(previous ?? null, whole) },
      subject,
    );
  }

  emit<T extends EventType>(type: T, data: EventData<T>, subject: string): AnyEnvelope {
    return this.publish(type, EVENT_TYPES[type].version, data, subject);
  }

  /** An event of any known version, validated (and upcast) as a consumer would; logged as published. */
  private publish(type: EventType, version: number, data: unknown, subject: string): AnyEnvelope {
    const n = this.envelopes.length + 1;
    const raw = {
      id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      type,
      version,
      source: type.split('.')[0],
      subject,
      time: timeOf(n),
      correlationId: `corr-${n}`,
      causationId: null,
      data: JSON.parse(JSON.stringify(data)) as unknown,
    };
    const decoded = decodeMessage(JSON.stringify(raw));
    if (!decoded.ok) throw new Error(`test log wrote an invalid ${type}: ${decoded.detail}`);
    const logged = (decoded.published as AnyEnvelope | undefined) ?? decoded.envelope;
    this.envelopes.push(logged);
    return logged;
  }

  /** An eligibility change as civil affairs publishes it: windows (v2), or the whole grant list (v1, before windows). */
  private eligibilityChanged(
    type: 'assistance.EligibilityGranted' | 'assistance.EligibilityRevoked',
    v1: EligibilityChangedV1,
  ): AnyEnvelope {
    if (this.eligibilityVersion === 1) return this.publish(type, 1, v1, v1.personId);
    const { personId, eligibilityRevision, grantId, grants } = v1;
    return this.emit(type, { personId, eligibilityRevision, grantId, windows: eligibilityWindows(grants) }, personId);
  }

  putPolicy(
    region: string,
    year: number,
    sections: { basic?: BasicPolicyDto; criticalIllness?: CriticalIllnessPolicyDto; assistance?: AssistancePolicyDto },
  ): this {
    const ry = `${region}|${year}`;
    const next = (payer: Payer) => (this.policies[payer].get(ry)?.revision ?? 0) + 1;
    if (sections.basic) {
      const revision = next('basic');
      this.policies.basic.set(ry, { revision, dto: sections.basic });
      this.emit('basic.PolicyRevised', { region, year, revision, policy: sections.basic }, ry);
    }
    if (sections.criticalIllness) {
      const revision = next('criticalIllness');
      this.policies.criticalIllness.set(ry, { revision, dto: sections.criticalIllness });
      this.emit('critical-illness.PolicyRevised', { region, year, revision, policy: sections.criticalIllness }, ry);
    }
    if (sections.assistance) {
      const revision = next('assistance');
      this.policies.assistance.set(ry, { revision, dto: sections.assistance });
      this.emit('assistance.PolicyRevised', { region, year, revision, policy: sections.assistance }, ry);
    }
    return this;
  }

  /** A revision of the region-year's 大病 contract (its terms whole), as the insurer publishes it. */
  putContract(region: string, year: number, revision: number, contract: FundContractDto): this {
    this.emit('critical-illness.ContractRevised', { region, year, revision, contract }, `${region}|${year}`);
    return this;
  }

  /** A region-year's catalogues: the bureau's (`basic`) and 大病's (`criticalIllness`), each revisioned. */
  putCatalogue(region: string, year: number, sections: { basic?: BasicCatalogueDto; criticalIllness?: CriticalIllnessCatalogueDto }): this {
    const ry = `${region}|${year}`;
    if (sections.basic) {
      const revision = (this.catalogues.basic.get(ry)?.revision ?? 0) + 1;
      this.catalogues.basic.set(ry, { revision, dto: sections.basic });
      this.emit('basic.CatalogueRevised', { region, year, revision, catalogue: sections.basic }, ry);
    }
    if (sections.criticalIllness) {
      const revision = (this.catalogues.criticalIllness.get(ry)?.revision ?? 0) + 1;
      this.catalogues.criticalIllness.set(ry, { revision, dto: sections.criticalIllness });
      this.emit('critical-illness.CatalogueRevised', { region, year, revision, catalogue: sections.criticalIllness }, ry);
    }
    return this;
  }

  /** A hospital's record in the bureau's registry (定点医疗机构), at the registry's next revision. */
  putHospital(hospitalId: string, hospital: HospitalRecordDto): AnyEnvelope {
    this.hospitals.set(hospitalId, hospital);
    this.hospitalRegistryRevision += 1;
    return this.emit('basic.HospitalRegistered', { hospitalId, revision: this.hospitalRegistryRevision, hospital }, hospitalId);
  }

  /** A claim's first version, or a correction (a new version) when the claim is known; its hospital registered first if it is a fixture's. */
  claim(dto: ClaimDto): AnyEnvelope {
    if (!this.hospitals.has(dto.hospital.id)) {
      const fixture = FIXTURE_HOSPITALS[dto.hospital.id];
      if (fixture === undefined) throw new Error(`claim ${dto.claimId}: hospital ${dto.hospital.id} is not registered (putHospital)`);
      this.putHospital(dto.hospital.id, fixture);
    }
    const known = this.claims.get(dto.claimId);
    const version = (known?.version ?? 0) + 1;
    this.claims.set(dto.claimId, { dto, version, reversed: false });
    const year = yearOf(dto.serviceDate);
    return known
      ? this.emit('basic.ClaimCorrected', { claim: dto, version, year }, dto.claimId)
      : this.emit('basic.ClaimSubmitted', { claim: dto, version: 1, year }, dto.claimId);
  }

  reverse(claimId: string, reason = 'billed in error'): AnyEnvelope {
    const record = this.claims.get(claimId);
    if (!record) throw new Error(`unknown claim ${claimId}`);
    record.reversed = true;
    const personYear = { region: record.dto.region, personId: record.dto.personId, year: yearOf(record.dto.serviceDate) };
    return this.emit('basic.ClaimReversed', { claimId, version: record.version, personYear, reason }, claimId);
  }

  grant(g: Pick<GrantDto, 'grantId' | 'personId' | 'category' | 'validFrom' | 'validTo'>): AnyEnvelope {
    const current = this.eligibility.get(g.personId) ?? { revision: 0, grants: [] };
    const grants = [
      ...current.grants.filter((x) => x.grantId !== g.grantId),
      { ...g, revoked: false, grantedAt: timeOf(this.envelopes.length + 1) },
    ];
    this.eligibility.set(g.personId, { revision: current.revision + 1, grants });
    return this.eligibilityChanged('assistance.EligibilityGranted', {
      personId: g.personId,
      grantId: g.grantId,
      eligibilityRevision: current.revision + 1,
      grants,
    });
  }

  revoke(personId: string, grantId: string, reason = 'no longer eligible'): AnyEnvelope {
    const current = this.eligibility.get(personId);
    if (!current) throw new Error(`no grants for ${personId}`);
    const revokedAt = timeOf(this.envelopes.length + 1);
    const grants = current.grants.map((g) => (g.grantId === grantId ? { ...g, revoked: true, revokedReason: reason, revokedAt } : g));
    this.eligibility.set(personId, { revision: current.revision + 1, grants });
    return this.eligibilityChanged('assistance.EligibilityRevoked', {
      personId,
      grantId,
      reason,
      eligibilityRevision: current.revision + 1,
      grants,
    });
  }

  /**
   * Settle a person-year on today's facts: basic publishes a decision when anything changed,
   * then 大病 on basic's latest decision, then assistance on that 大病 decision.
   */
  decide(key: PersonYearRef, cause: Cause): void {
    const py = personYearId(key);
    const ry = `${key.region}|${key.year}`;
    const basicPolicy = this.policies.basic.get(ry);
    const ciPolicy = this.policies.criticalIllness.get(ry);
    const assistancePolicy = this.policies.assistance.get(ry);
    if (!basicPolicy || !ciPolicy || !assistancePolicy) throw new Error(`no policy for ${ry}`);
    const catalogue = this.catalogues.basic.get(ry);
    if (!catalogue) throw new Error(`no catalogue for ${ry} (putCatalogue)`);
    const ciCatalogue = this.catalogues.criticalIllness.get(ry);
    const reason = () => reasonFromUpstream(cause.reason);
    const eligibility = this.eligibility.get(key.personId) ?? { revision: 0, grants: [] };
    const grants = eligibility.grants.map(grantFromWire); // assistance's own
    const windows = eligibilityWindows(eligibility.grants); // what 大病 receives

    // basic
    const records = [...this.claims.values()].filter(
      (r) => r.dto.region === key.region && r.dto.personId === key.personId && yearOf(r.dto.serviceDate) === key.year,
    );
    // basic's own decision function, as the basic service runs it: each claim classified by the catalogue and the registry in force
    const terms = basicCatalogueFromWire(catalogue.dto);
    const resolve = (claim: ClaimDto, version: number) => {
      const hospital = this.hospitals.get(claim.hospital.id);
      if (!hospital) throw new Error(`claim ${claim.claimId}: hospital ${claim.hospital.id} is not registered`);
      return resolveClaim(claim, version, terms, hospitalFromWire(hospital));
    };
    const { summary, payments: basicPayments } = decideBasicPersonYear(
      basicPolicyFromWire(basicPolicy.dto),
      records.map((r) => ({ claim: r.dto, version: r.version, status: r.reversed ? 'REVERSED' : 'LIVE' })),
      this.paid.basic,
      reason(),
      resolve,
    );
    const claims = summary.claims;
    const previous = this.lastBasic.get(py);
    if (!previous || basicPayments.length > 0 || JSON.stringify(previous.claims) !== JSON.stringify(claims)) {
      const decision: BasicPersonYearDecided = {
        personYear: key,
        revision: (previous?.revision ?? 0) + 1,
        previousRevision: previous?.revision ?? 0,
        policyRevision: basicPolicy.revision,
        catalogueRevision: catalogue.revision,
        ...(this.hospitalRegistryRevision > 0 ? { hospitalRegistryRevision: this.hospitalRegistryRevision } : {}),
        cause,
        claims,
        totals: basicTotals(claims),
        payments: basicPayments,
      };
      this.paid.basic = applyPayments(this.paid.basic, basicPayments);
      this.lastBasic.set(py, decision);
      this.publishDecision('basic.PersonYearDecided', previous, decision, py);
    }
    const basic = this.lastBasic.get(py)!;

    // 大病, on basic's latest decision and its own catalogue of the region-year, as the 大病 service runs it
    const { summary: ciYear, payments: ciPayments } = decideCriticalIllnessPersonYear(
      criticalIllnessPolicyFromWire(ciPolicy.dto),
      { revision: basic.revision, claims: basic.claims },
      { revision: eligibility.revision, windows },
      this.paid.criticalIllness,
      reason(),
      ciCatalogue ? { revision: ciCatalogue.revision, covered: criticalIllnessCatalogueFromWire(ciCatalogue.dto) } : undefined,
    );
    this.paid.criticalIllness = applyPayments(this.paid.criticalIllness, ciPayments);
    const previousCi = this.lastCi.get(py);
    const ci: CriticalIllnessPersonYearDecided = {
      personYear: key,
      revision: (previousCi?.revision ?? 0) + 1,
      previousRevision: previousCi?.revision ?? 0,
      basicRevision: basic.revision,
      eligibilityRevision: eligibility.revision,
      policyRevision: ciPolicy.revision,
      ...(ciCatalogue ? { catalogueRevision: ciCatalogue.revision } : {}),
      cause,
      tilted: ciYear.tilted,
      base: ciYear.base,
      threshold: ciYear.threshold,
      entitlement: ciYear.entitlement,
      claims: ciYear.claims,
      totals: { claimCount: 0, compliantSelfPay: '0.00', criticalIllness: '0.00' },
      payments: ciPayments,
    };
    ci.totals = criticalIllnessTotals(ci.claims);
    this.lastCi.set(py, ci);
    this.publishDecision('critical-illness.PersonYearDecided', previousCi, ci, py);

    // assistance, on that 大病 decision (保险在先、救助在后)
    const aYear = decideAssistanceYear(
      assistancePolicyFromWire(assistancePolicy.dto),
      ci.claims
        .filter((c) => c.status === 'LIVE')
        .map((c) => ({ ...c, compliantSelfPay: money(c.compliantSelfPay), criticalIllness: money(c.criticalIllness) })),
      grants,
    );
    const aById = new Map(aYear.claims.map((c) => [c.claimId, c]));
    const aPayments = paymentsFor(
      ci.claims.map((c) => ({ claimId: c.claimId, version: c.version, amount: aById.get(c.claimId)?.assistance ?? ZERO })),
      this.paid.assistance,
      reason,
    );
    this.paid.assistance = applyPayments(this.paid.assistance, aPayments);
    const previousAssistance = this.lastAssistance.get(py);
    const assistance: AssistancePersonYearDecided = {
      personYear: key,
      revision: (previousAssistance?.revision ?? 0) + 1,
      previousRevision: previousAssistance?.revision ?? 0,
      basicRevision: ci.basicRevision,
      criticalIllnessRevision: ci.revision,
      eligibilityRevision: eligibility.revision,
      policyRevision: assistancePolicy.revision,
      cause,
      category: aYear.category,
      base: print(aYear.base),
      entitlement: print(aYear.entitlement),
      claims: ci.claims.map((c) => ({
        claimId: c.claimId,
        version: c.version,
        status: c.status,
        eligible: aById.get(c.claimId)?.eligible ?? false,
        assistance: print(aById.get(c.claimId)?.assistance ?? ZERO),
      })),
      totals: { claimCount: 0, assistance: '0.00' },
      payments: aPayments,
    };
    assistance.totals = assistanceTotals(assistance.claims);
    this.lastAssistance.set(py, assistance);
    this.publishDecision('assistance.PersonYearDecided', previousAssistance, assistance, py);
  }

  /** The envelopes of one type (optionally about one subject), in log order: to find what to tamper with. */
  find<T extends EventType>(type: T, subject?: string): Extract<AnyEnvelope, { type: T }>[] {
    return this.envelopes.filter(
      (e): e is Extract<AnyEnvelope, { type: T }> => e.type === type && (subject === undefined || e.subject === subject),
    );
  }

  /** A payer's person-year decision at a revision ("440300|P-RE|2024", 2). */
  decision<T extends 'basic.PersonYearDecided' | 'critical-illness.PersonYearDecided' | 'assistance.PersonYearDecided'>(
    type: T,
    personYear: string,
    revision: number,
  ): Extract<AnyEnvelope, { type: T }> {
    const found = this.find(type, personYear).find((e) => ((e as AnyEnvelope).data as { revision: number }).revision === revision);
    if (!found) throw new Error(`no ${type} revision ${revision} for ${personYear}`);
    return found;
  }

  /** Fold envelopes into an index in the order given: seq is the position, time one second per entry. */
  index(envelopes: readonly AnyEnvelope[] = this.envelopes): LogIndex {
    const index = emptyIndex();
    envelopes.forEach((e) => indexEvent(index, readLogged(e), this.evidenceOf(e, envelopes)));
    return index;
  }

  /** Where `index(envelopes)` puts an envelope: the evidence a finding about it points to. */
  evidenceOf(e: AnyEnvelope, envelopes: readonly AnyEnvelope[] = this.envelopes): Evidence {
    const position = envelopes.indexOf(e) + 1;
    if (position === 0) throw new Error(`envelope ${e.id} is not in the log`);
    return { eventId: e.id, seq: String(position), time: timeOf(position) };
  }
}

const timeOf = (n: number) => new Date(Date.UTC(2024, 5, 1, 8, 0, n)).toISOString();

// ---- fixtures ------------------------------------------------------------------------------------

/** The three policy sections of scenarios/retroactive-eligibility.json (440300, 2024). */
export const RETRO_POLICY = (
  JSON.parse(readFileSync(join(__dirname, '../../../../scenarios/retroactive-eligibility.json'), 'utf8')) as {
    steps: { op: string; basic?: BasicPolicyDto; criticalIllness?: CriticalIllnessPolicyDto; assistance?: AssistancePolicyDto }[];
  }
).steps.find((s) => s.op === 'putPolicy') as {
  basic: BasicPolicyDto;
  criticalIllness: CriticalIllnessPolicyDto;
  assistance: AssistancePolicyDto;
};

/** The catalogues of scenarios/retroactive-eligibility.json (440300, 2024): A-ITEM 甲类, B-ITEM 乙类, C-ITEM 丙类 that 大病 admits. */
export const RETRO_CATALOGUE = (
  JSON.parse(readFileSync(join(__dirname, '../../../../scenarios/retroactive-eligibility.json'), 'utf8')) as {
    steps: { op: string; basic?: BasicCatalogueDto; criticalIllness?: CriticalIllnessCatalogueDto }[];
  }
).steps.find((s) => s.op === 'putCatalogue') as { basic: BasicCatalogueDto; criticalIllness: CriticalIllnessCatalogueDto };

export const REGION = '440300';

/** The hospitals the fixtures' claims come from, all designated in 440300: the level is the registry's, never the claim's. */
export const FIXTURE_HOSPITALS: Readonly<Record<string, HospitalRecordDto>> = {
  'H-CITY-3': { name: 'City Hospital', level: 3, region: REGION, designated: true },
  'H-COUNTY-2': { name: 'County Hospital', level: 2, region: REGION, designated: true },
  'H-TOWN-1': { name: 'Town Health Centre', level: 1, region: REGION, designated: true },
  'H-TOWN-2': { name: 'Second Town Health Centre', level: 1, region: REGION, designated: true },
};

const aItem = (amount: string): ClaimItemDto[] => [{ code: 'A-ITEM', amount }];

/** An inpatient stay (admitted … discharged) in region 440300, at H-CITY-3 unless told; by default one A-ITEM of `total`. */
export function stay(
  claimId: string,
  personId: string,
  admitted: string,
  discharged: string,
  f: { hospital?: string; diagnosis?: string[]; total?: string; items?: ClaimItemDto[] } = {},
): ClaimDto {
  return {
    claimId,
    personId,
    region: REGION,
    hospital: { id: f.hospital ?? 'H-CITY-3' },
    visitType: 'INPATIENT',
    admissionDate: admitted,
    serviceDate: discharged,
    diagnosis: f.diagnosis ?? ['I63.9'],
    items: f.items ?? aItem(f.total ?? '12000'),
  };
}

/** An outpatient visit on one date, at H-TOWN-1 unless told. */
export function visit(
  claimId: string,
  personId: string,
  date: string,
  f: { hospital?: string; diagnosis?: string[]; total?: string; visitType?: 'OUTPATIENT' | 'OUTPATIENT_CHRONIC' } = {},
): ClaimDto {
  return {
    claimId,
    personId,
    region: REGION,
    hospital: { id: f.hospital ?? 'H-TOWN-1' },
    visitType: f.visitType ?? 'OUTPATIENT',
    serviceDate: date,
    diagnosis: f.diagnosis ?? ['E11.9'],
    items: aItem(f.total ?? '300'),
  };
}

export const P_RE: PersonYearRef = { region: REGION, personId: 'P-RE', year: 2024 };
export const P_2: PersonYearRef = { region: REGION, personId: 'P-2', year: 2024 };

/**
 * A consistent log of two person-years under the retroactive-eligibility policy:
 * P-RE: claims RE-1 and RE-2 of the scenario, then a retroactive 特困 grant (assistance for both,
 * 大病 tilted); P-2: a level-2 stay, a chronic visit that is corrected and then reversed.
 * `eligibilityVersion` 1: the grant published as before windows (v1, the whole grant list);
 * `decisionVersion` 1: the decisions published as before deltas (v1, every claim).
 */
export function twoPersonYears(eligibilityVersion: 1 | 2 = 2, decisionVersion: 1 | 2 = 2): TestLog {
  const log = new TestLog().putPolicy(REGION, 2024, RETRO_POLICY).putCatalogue(REGION, 2024, RETRO_CATALOGUE);
  log.eligibilityVersion = eligibilityVersion;
  log.decisionVersion = decisionVersion;
  log.claim(
    stay('RE-1', 'P-RE', '2024-01-15', '2024-01-15', {
      diagnosis: ['C34.9'],
      items: [
        { code: 'A-ITEM', amount: '40000' },
        { code: 'B-ITEM', amount: '10000' },
      ],
    }),
  );
  log.decide(P_RE, { reason: 'INITIAL', claimId: 'RE-1' });
  log.claim(
    stay('P2-1', 'P-2', '2024-02-10', '2024-02-20', {
      hospital: 'H-COUNTY-2',
      diagnosis: ['J18.9'],
      items: [
        { code: 'A-ITEM', amount: '60000' },
        { code: 'B-ITEM', amount: '10000' },
      ],
    }),
  );
  log.decide(P_2, { reason: 'INITIAL', claimId: 'P2-1' });
  log.claim(
    stay('RE-2', 'P-RE', '2024-03-02', '2024-03-02', {
      diagnosis: ['C34.9'],
      items: [
        { code: 'A-ITEM', amount: '60000' },
        { code: 'C-ITEM', amount: '5000' },
      ],
    }),
  );
  log.decide(P_RE, { reason: 'INITIAL', claimId: 'RE-2' });
  log.claim(visit('P2-2', 'P-2', '2024-04-03', { visitType: 'OUTPATIENT_CHRONIC', total: '900' }));
  log.decide(P_2, { reason: 'INITIAL', claimId: 'P2-2' });
  log.claim(visit('P2-2', 'P-2', '2024-04-03', { visitType: 'OUTPATIENT_CHRONIC', total: '1200' }));
  log.decide(P_2, { reason: 'CORRECTION', claimId: 'P2-2' });
  log.grant({ grantId: 'G-RE', personId: 'P-RE', category: 'EXTREME_POVERTY', validFrom: '2024-01-01' });
  log.decide(P_RE, { reason: 'ELIGIBILITY_GRANTED', grantId: 'G-RE' });
  log.reverse('P2-2');
  log.decide(P_2, { reason: 'REVERSAL', claimId: 'P2-2' });
  return log;
}
