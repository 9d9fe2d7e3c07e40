import { Inject, Injectable } from '@nestjs/common';
import type { ClaimDto, PersonYearRef } from '@msb/contracts';
import { activeTraceContext, bindTraceCause, isRetryable, TraceContext, Tx } from '@msb/eventing';
import { Batcher, Outcome, Problem, RUNTIME, ServiceRuntime } from '@msb/platform';
import { DecisionRejected, personYearOf } from '@msb/settlement';
import { BasicCatalogues } from '../catalogue/basic-catalogue.store';
import { HospitalRegistry } from '../hospitals/hospital-registry.store';
import type { BasicCommand, BasicTerms } from '../person-years/basic-person-year.decider';
import { BasicPersonYears } from '../person-years/basic-person-year.repository';
import { BasicPolicies } from '../policies/basic-policy.store';
import { SlipView } from '../slips/slip.view';
import { ClaimRow } from '../slips/slip.projection';
import type { ClaimAccepted } from './submit-claim/submit-claim.command';

/** A hospital's request on a claim; `hospital` is the caller's own (its token's `hospital` claim). */
export type ClaimRequest =
  | { kind: 'submit'; claim: ClaimDto; hospital: string; correlationId: string; now: Date }
  | { kind: 'correct'; claim: ClaimDto; hospital: string; correlationId: string; now: Date }
  | { kind: 'reverse'; claimId: string; hospital: string; correlationId: string; reason: string; now: Date };

/** A request with the trace context it arrived in. */
type Traced<R> = R & { trace: TraceContext };

const claimIdOf = (r: ClaimRequest) => (r.kind === 'reverse' ? r.claimId : r.claim.claimId);

/**
 * The intake of claims, corrections and reversals. Requests are group-committed: those that
 * arrive while a transaction is being written go together in the next one (one lock, one
 * read and one write of every table for the whole batch), each with its own answer. A batch
 * the database refuses is retried request by request, so one bad request fails alone.
 */
@Injectable()
export class ClaimIntake {
  // four transactions at once: a batch spends most of its time waiting on the database (its
  // round trips, row locks the slip's downstream consumer holds), while the cores have room
  private readonly batcher = new Batcher<Traced<ClaimRequest>, ClaimAccepted>((requests) => this.runBatch(requests), {
    maxBatch: 200,
    maxInFlight: 4,
    lingerMs: 3,
  });

  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly policies: BasicPolicies,
    private readonly catalogues: BasicCatalogues,
    private readonly registry: HospitalRegistry,
    private readonly personYears: BasicPersonYears,
    private readonly slips: SlipView,
  ) {}

  handle(request: ClaimRequest): Promise<ClaimAccepted> {
    return this.batcher.submit({ ...request, trace: activeTraceContext() });
  }

  /** Batches written and requests carried, for /status. */
  readonly stats = { batches: 0, requests: 0, millis: 0 };

  private async runBatch(requests: Traced<ClaimRequest>[]): Promise<Outcome<ClaimAccepted>[]> {
    const started = performance.now();
    this.stats.batches += 1;
    this.stats.requests += requests.length;
    let outcomes: Outcome<true>[];
    try {
      outcomes = await this.runtime.db.transaction((tx) => this.decide(tx, requests));
    } catch (error) {
      if (requests.length === 1 || isRetryable(error)) throw error;
      // one request the database refuses (say, the same new claim id in two batches at once) must not fail the others
      outcomes = [];
      for (const r of requests)
        outcomes.push(
          await this.runtime.db
            .transaction((tx) => this.decide(tx, [r]))
            .then(
              (o) => o[0],
              (e: unknown) => ({ ok: false as const, error: e }),
            ),
        );
    }
    this.runtime.relay.poke();
    this.stats.millis += performance.now() - started;
    const statuses = await this.slips.statuses(requests.map(claimIdOf));
    return requests.map((r, i): Outcome<ClaimAccepted> => {
      const o = outcomes[i];
      if (!o.ok) return o;
      const s = statuses.get(claimIdOf(r));
      return { ok: true, value: { claimId: claimIdOf(r), version: s?.version ?? 1, status: s?.status ?? 'PENDING' } };
    });
  }

  /**
   * Route every request of the batch to its person-year and decide them all in one
   * transaction. A claim already known goes to the person-year it was recorded in (so that
   * its decider can tell a repeat from a conflict or a move), a new one to the person-year of
   * its body; the decider refuses what the person-year's facts do not allow. A claim that
   * another hospital recorded is refused (403) before anything is decided.
   */
  private async decide(tx: Tx, requests: Traced<ClaimRequest>[]): Promise<Outcome<true>[]> {
    // the requests share a transaction: what each causes carries its own request's trace
    for (const r of requests) bindTraceCause(tx, r.correlationId, r.trace);
    const outcomes: (Outcome<true> | undefined)[] = requests.map(() => undefined);
    const claimIds = [...new Set(requests.map(claimIdOf))];
    // Requests on the same claim id are routed one transaction at a time, in whichever instance
    // they arrive: a new id is recorded in one person-year only, and a correction that comes
    // while its claim is being recorded finds it. Taken first, in one order, before any other lock.
    await tx.query(
      "SELECT pg_advisory_xact_lock(hashtext('claim-route'), k) FROM (SELECT DISTINCT hashtext(id) AS k FROM unnest($1::text[]) AS t(id) ORDER BY 1) AS keys",
      [claimIds],
    );
    const rows = await tx.query<Pick<ClaimRow, 'claim_id' | 'region' | 'person_id' | 'year' | 'hospital_id'>>(
      'SELECT claim_id, region, person_id, year, hospital_id FROM claims WHERE claim_id = ANY($1::text[])',
      [claimIds],
    );
    const routes = new Map<string, PersonYearRef>(rows.map((r) => [r.claim_id, { region: r.region, personId: r.person_id, year: r.year }]));
    const owners = new Map(rows.map((r) => [r.claim_id, r.hospital_id]));
    const planned: {
      index: number;
      key: PersonYearRef;
      command: (terms: BasicTerms) => BasicCommand;
      newClaim: boolean;
      correlationId: string;
      now: Date;
    }[] = [];

    requests.forEach((r, index) => {
      const owner = owners.get(claimIdOf(r));
      if (owner !== undefined && owner !== r.hospital)
        return (outcomes[index] = { ok: false, error: Problem.forbidden(`claim ${claimIdOf(r)} belongs to another hospital`) });
      let key = routes.get(claimIdOf(r));
      const newClaim = key === undefined;
      if (key === undefined) {
        if (r.kind !== 'submit') return (outcomes[index] = { ok: false, error: Problem.notFound(`claim ${claimIdOf(r)} is unknown`) });
        // a new claim id: later requests of this batch for the same id go to the same person-year
        routes.set(r.claim.claimId, (key = personYearOf(r.claim)));
        owners.set(r.claim.claimId, r.hospital);
      }
      const command =
        r.kind === 'reverse'
          ? (terms: BasicTerms): BasicCommand => ({ type: 'ReverseClaim', data: { claimId: r.claimId, reason: r.reason, ...terms } })
          : (terms: BasicTerms): BasicCommand => ({
              type: r.kind === 'submit' ? 'SubmitClaim' : 'CorrectClaim',
              data: { claim: r.claim, ...terms },
            });
      planned.push({ index, key, command, newClaim, correlationId: r.correlationId, now: r.now });
    });

    const keys = planned.map((p) => p.key);
    const policies = await this.policies.inForce(tx, keys);
    const catalogues = await this.catalogues.inForce(tx, keys);
    const hospitals = await this.registry.inForce(tx);
    const ready: { index: number; key: PersonYearRef; command: BasicCommand; correlationId: string; now: Date }[] = [];
    for (const p of planned) {
      const policy = policies.get(`${p.key.region}|${p.key.year}`);
      const catalogue = catalogues.get(`${p.key.region}|${p.key.year}`);
      if (policy && catalogue) {
        const terms: BasicTerms = {
          policy: { revision: policy.revision, terms: policy.terms },
          catalogue: { revision: catalogue.revision, terms: catalogue.terms },
          hospitals,
        };
        ready.push({ ...p, command: p.command(terms) });
        continue;
      }
      const missing = policy ? 'catalogue' : 'policy';
      const error = p.newClaim
        ? Problem.notPayable(`there is no basic ${missing} for region ${p.key.region} in ${p.key.year}; the claim cannot be settled`, [
            { path: '/serviceDate', message: `no basic ${missing} for ${p.key.region}/${p.key.year}` },
          ])
        : Problem.notPayable(`there is no basic ${missing} for region ${p.key.region} in ${p.key.year}`);
      outcomes[p.index] = { ok: false, error };
    }
    const snapshots = await this.personYears.lock(
      tx,
      ready.map((p) => p.key),
    );
    const decided = await this.personYears.decideAndSave(
      tx,
      ready.map((p) => ({
        key: p.key,
        snapshot: snapshots.get(this.personYears.streamId(p.key)),
        command: p.command,
        now: p.now,
        context: { correlationId: p.correlationId },
      })),
      (error) => error instanceof DecisionRejected,
    );
    decided.forEach((d, i) => {
      outcomes[ready[i].index] =
        d.error instanceof DecisionRejected ? { ok: false, error: problemFor(d.error) } : { ok: true, value: true };
    });
    return outcomes.map((o) => o ?? { ok: false, error: new Error('request not decided') });
  }
}

/**
 * A refusal of the decider as the counter sees it: an unknown claim is 404, a hospital that is
 * not designated 422 (valid, not payable), every other refusal a conflict (409).
 */
function problemFor(rejection: DecisionRejected): Problem {
  if (rejection.code === 'UNKNOWN_CLAIM') return Problem.notFound(rejection.message);
  const problems = rejection.problems.length > 0 ? rejection.problems : undefined;
  if (rejection.code === 'HOSPITAL_NOT_DESIGNATED') return Problem.notPayable(rejection.message, problems);
  return Problem.conflict(rejection.message, problems);
}
