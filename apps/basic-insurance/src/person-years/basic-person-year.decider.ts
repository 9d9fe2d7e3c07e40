import {
  BASIC_DECISION,
  BasicDecidedClaim,
  BasicPersonYearDecided,
  Cause,
  ClaimDto,
  contentHash,
  Payment,
  PersonYearRef,
  ReasonCode,
} from '@msb/contracts';
import {
  applyPayments,
  BasicCatalogue,
  BasicPolicy,
  Command,
  decideBasicPersonYear,
  decidedSummary,
  Decider,
  decisionEvents,
  DecisionRejected,
  FieldProblem,
  HospitalRecord,
  PaidSoFar,
  PolicyInForce,
  RecordedClaim,
  resolveClaim,
  yearOf,
} from '@msb/settlement';

/**
 * The basic-insurance person-year as a decider: pure, no I/O and no clock. It records the
 * hospital's claims, corrections and reversals, refuses what the person-year's facts do not
 * allow, and recomputes the whole year on each change; the difference from what was paid
 * becomes payment events and a new revision of the person-year decision.
 */

export interface ClaimRecord extends RecordedClaim {
  /** Content hash of the first version: the same claim submitted again is answered, not recorded. */
  firstHash: string;
}

export interface BasicPersonYearState {
  key: PersonYearRef;
  /** Revision of the last published person-year decision (0: none yet). */
  revision: number;
  policyRevision: number;
  claims: Record<string, ClaimRecord>;
  paid: Record<string, PaidSoFar>;
  /** Every claim as last decided (each decision's delta merged in), to tell what a recalculation changed. */
  decided: BasicDecidedClaim[];
}

export type BasicPolicyInForce = PolicyInForce<BasicPolicy>;
/** The region-year's catalogue (医保目录) in force. */
export type BasicCatalogueInForce = PolicyInForce<BasicCatalogue>;
/** The hospital registry in force (revision 0: empty). */
export interface HospitalsInForce {
  revision: number;
  hospitals: ReadonlyMap<string, HospitalRecord>;
}
/** What basic decides a person-year on: the policy, the catalogue and the hospital registry in force. */
export interface BasicTerms {
  policy: BasicPolicyInForce;
  catalogue: BasicCatalogueInForce;
  hospitals: HospitalsInForce;
}
export type SubmitClaim = Command<'SubmitClaim', { claim: ClaimDto } & BasicTerms>;
export type CorrectClaim = Command<'CorrectClaim', { claim: ClaimDto } & BasicTerms>;
export type ReverseClaim = Command<'ReverseClaim', { claimId: string; reason: string } & BasicTerms>;
/** A revision of the policy, the catalogue or the registry: the year decided again on the terms now in force. */
export type ApplyPolicyRevision = Command<'ApplyPolicyRevision', BasicTerms>;
export type BasicCommand = SubmitClaim | CorrectClaim | ReverseClaim | ApplyPolicyRevision;

export type BasicEvent =
  | { type: 'ClaimSubmitted'; data: { claim: ClaimDto; version: 1; year: number } }
  | { type: 'ClaimCorrected'; data: { claim: ClaimDto; version: number; year: number } }
  | { type: 'ClaimReversed'; data: { claimId: string; version: number; personYear: PersonYearRef; reason: string } }
  | { type: 'BasicSettled'; data: Payment }
  | { type: 'BasicAdjusted'; data: Payment }
  | { type: 'PersonYearDecided'; data: BasicPersonYearDecided };

/**
 * Why basic refuses a command: an unknown claim (404 at the counter), a claim id reused with
 * other content, a correction that would move the claim to another person-year, or a claim
 * already reversed (冲销, all 409); a claim from a hospital the registry does not list as
 * designated (定点, 422).
 */
export type BasicRejection = 'UNKNOWN_CLAIM' | 'CONFLICTING_CLAIM' | 'CLAIM_MOVED' | 'ALREADY_REVERSED' | 'HOSPITAL_NOT_DESIGNATED';

const reject = (code: BasicRejection, message: string, problems: FieldProblem[] = []) =>
  new DecisionRejected<BasicRejection>(code, message, problems);

export const initialState = (key: PersonYearRef): BasicPersonYearState => ({
  key,
  revision: 0,
  policyRevision: 0,
  claims: {},
  paid: {},
  decided: [],
});

export function evolve(state: BasicPersonYearState, event: BasicEvent): BasicPersonYearState {
  switch (event.type) {
    case 'ClaimSubmitted':
    case 'ClaimCorrected': {
      const { claim, version } = event.data;
      const firstHash = state.claims[claim.claimId]?.firstHash ?? contentHash(claim);
      return { ...state, claims: { ...state.claims, [claim.claimId]: { claim, version, status: 'LIVE', firstHash } } };
    }
    case 'ClaimReversed': {
      const record = state.claims[event.data.claimId];
      return { ...state, claims: { ...state.claims, [event.data.claimId]: { ...record, status: 'REVERSED' } } };
    }
    case 'BasicSettled':
    case 'BasicAdjusted':
      return { ...state, paid: applyPayments(state.paid, [event.data]) };
    case 'PersonYearDecided':
      return {
        ...state,
        revision: event.data.revision,
        policyRevision: event.data.policyRevision,
        decided: decidedSummary({ claims: state.decided }, event.data, BASIC_DECISION.order).claims,
      };
    default: {
      const unknown: never = event;
      throw new Error(`unknown event type ${String((unknown as { type?: unknown }).type)}`); // the type only: its data may hold a claim (never into an error, hence a log)
    }
  }
}

/** A correction keeps the claim's person, region and year: moving it is a reversal and a new claim. */
function moves(key: PersonYearRef, claim: ClaimDto): FieldProblem[] {
  const moved: FieldProblem[] = [];
  if (claim.personId !== key.personId) moved.push({ path: '/personId', message: `must stay ${key.personId}` });
  if (claim.region !== key.region) moved.push({ path: '/region', message: `must stay ${key.region}` });
  if (yearOf(claim.serviceDate) !== key.year) moved.push({ path: '/serviceDate', message: `must stay in ${key.year}` });
  return moved;
}

/** Only a designated hospital (定点医疗机构) in the registry may claim: an unknown or undesignated one is refused. */
function requireDesignated(claim: ClaimDto, hospitals: HospitalsInForce): void {
  const hospital = hospitals.hospitals.get(claim.hospital.id);
  if (hospital === undefined)
    throw reject('HOSPITAL_NOT_DESIGNATED', `hospital ${claim.hospital.id} is not in the bureau's registry`, [
      { path: '/hospital/id', message: 'is not a registered hospital' },
    ]);
  if (!hospital.designated)
    throw reject('HOSPITAL_NOT_DESIGNATED', `hospital ${claim.hospital.id} is not designated (定点) for basic insurance`, [
      { path: '/hospital/id', message: 'is not a designated hospital' },
    ]);
}

/** The claim facts a command records, or [] when it changes nothing; throws DecisionRejected when refused. */
function recordedFacts(state: BasicPersonYearState, command: BasicCommand): BasicEvent[] {
  switch (command.type) {
    case 'SubmitClaim': {
      const { claim } = command.data;
      const record = state.claims[claim.claimId];
      if (record === undefined || record.firstHash !== contentHash(claim)) requireDesignated(claim, command.data.hospitals);
      if (record === undefined) return [{ type: 'ClaimSubmitted', data: { claim, version: 1, year: yearOf(claim.serviceDate) } }];
      // the same claim again gets the same answer and changes nothing
      if (record.firstHash === contentHash(claim)) return [];
      throw reject(
        'CONFLICTING_CLAIM',
        `claim ${claim.claimId} was already submitted with different content; correct it with PUT /claims/${claim.claimId}`,
      );
    }
    case 'CorrectClaim': {
      const { claim } = command.data;
      const record = state.claims[claim.claimId];
      if (!record) throw reject('UNKNOWN_CLAIM', `claim ${claim.claimId} is not in this person-year`);
      const moved = moves(state.key, claim);
      if (moved.length > 0) {
        throw reject(
          'CLAIM_MOVED',
          'a correction cannot move a claim to another person, region or year; reverse it and submit a new claim',
          moved,
        );
      }
      if (record.status === 'REVERSED')
        throw reject('ALREADY_REVERSED', `claim ${claim.claimId} has been reversed and cannot be corrected`);
      if (contentHash(record.claim) === contentHash(claim)) return []; // the same correction again changes nothing
      requireDesignated(claim, command.data.hospitals);
      return [{ type: 'ClaimCorrected', data: { claim, version: record.version + 1, year: yearOf(claim.serviceDate) } }];
    }
    case 'ReverseClaim': {
      const { claimId, reason } = command.data;
      const record = state.claims[claimId];
      if (!record) throw reject('UNKNOWN_CLAIM', `claim ${claimId} is not in this person-year`);
      if (record.status === 'REVERSED') throw reject('ALREADY_REVERSED', `claim ${claimId} is already reversed`);
      return [{ type: 'ClaimReversed', data: { claimId, version: record.version, personYear: state.key, reason } }];
    }
    case 'ApplyPolicyRevision':
      return [];
    default: {
      const unknown: never = command;
      throw new Error(`unknown command type ${String((unknown as { type?: unknown }).type)}`); // the type only: its data may hold a claim (never into an error, hence a log)
    }
  }
}

/** The reason every adjustment of this decision carries. */
function adjustmentReason(command: BasicCommand): ReasonCode {
  switch (command.type) {
    case 'SubmitClaim':
      return 'LATE_CLAIM';
    case 'CorrectClaim':
      return 'CORRECTION';
    case 'ReverseClaim':
      return 'REVERSAL';
    case 'ApplyPolicyRevision':
      return 'POLICY_REVISED';
    default: {
      const unknown: never = command;
      throw new Error(`unknown command type ${String((unknown as { type?: unknown }).type)}`); // the type only: its data may hold a claim (never into an error, hence a log)
    }
  }
}

/** What set this decision off: a new claim that moved no other claim is INITIAL, one that did a LATE_CLAIM. */
function causeOf(command: BasicCommand, payments: readonly Payment[]): Cause {
  switch (command.type) {
    case 'SubmitClaim': {
      const { claimId } = command.data.claim;
      const movedOthers = payments.some((p) => p.kind === 'ADJUSTED' && p.claimId !== claimId);
      return { reason: movedOthers ? 'LATE_CLAIM' : 'INITIAL', claimId };
    }
    case 'CorrectClaim':
      return { reason: 'CORRECTION', claimId: command.data.claim.claimId };
    case 'ReverseClaim':
      return { reason: 'REVERSAL', claimId: command.data.claimId };
    case 'ApplyPolicyRevision':
      return { reason: 'POLICY_REVISED', policyRevision: command.data.policy.revision, catalogueRevision: command.data.catalogue.revision };
    default: {
      const unknown: never = command;
      throw new Error(`unknown command type ${String((unknown as { type?: unknown }).type)}`); // the type only: its data may hold a claim (never into an error, hence a log)
    }
  }
}

/** decide(command, state) → events. A claim command that records nothing decides nothing. */
export function decide(command: BasicCommand, state: BasicPersonYearState): BasicEvent[] {
  const facts = recordedFacts(state, command);
  if (facts.length === 0 && command.type !== 'ApplyPolicyRevision') return [];
  const next = facts.reduce(evolve, state);
  const { policy, catalogue, hospitals } = command.data;
  // every claim of the year is classified by the catalogue and the registry in force now
  const resolve = (claim: ClaimDto, version: number) => {
    const hospital = hospitals.hospitals.get(claim.hospital.id);
    if (hospital === undefined) throw new Error(`claim ${claim.claimId} names a hospital the registry does not hold`);
    return resolveClaim(claim, version, catalogue.terms, hospital);
  };
  const outcome = decideBasicPersonYear(policy.terms, Object.values(next.claims), next.paid, adjustmentReason(command), resolve);
  return [
    ...facts,
    ...decisionEvents(
      { key: next.key, revision: next.revision, decided: { claims: next.decided } },
      outcome,
      {
        policyRevision: policy.revision,
        catalogueRevision: catalogue.revision,
        ...(hospitals.revision > 0 ? { hospitalRegistryRevision: hospitals.revision } : {}),
        cause: causeOf(command, outcome.payments),
      },
      { settled: 'BasicSettled', adjusted: 'BasicAdjusted' },
      BASIC_DECISION,
    ),
  ];
}

export const basicPersonYearDecider: Decider<BasicPersonYearState, BasicCommand, BasicEvent> = { initialState, evolve, decide };
