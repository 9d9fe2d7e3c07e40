import { Inject, Injectable } from '@nestjs/common';
import { ClaimDto, contentHash, PersonYearRef } from '@msb/contracts';
import { isRetryable, Tx } from '@msb/eventing';
import { Batcher, FieldProblem, Outcome, Problem, RUNTIME, ServiceRuntime } from '@msb/platform';
import { personYearOf, yearOf } from '@msb/settlement';
import { BasicCommand, DecisionRejected, PolicyInForce } from '../person-years/basic-person-year.decider';
import { BasicPersonYears } from '../person-years/basic-person-year.repository';
import { BasicPolicies } from '../policies/basic-policy.store';
import { SlipView } from '../slips/slip.view';
import { ClaimRow } from '../slips/claim.row';
import type { ClaimAccepted } from './submit-claim/submit-claim.command';

export type ClaimRequest =
  | { kind: 'submit'; claim: ClaimDto; correlationId: string; now: Date }
  | { kind: 'correct'; claim: ClaimDto; correlationId: string; now: Date }
  | { kind: 'reverse'; claimId: string; reason: string; correlationId: string; now: Date };

const claimIdOf = (r: ClaimRequest) => (r.kind === 'reverse' ? r.claimId : r.claim.claimId);

/**
 * The intake of claims, corrections and reversals. Requests are group-committed: those that
 * arrive while a transaction is being written go together in the next one (one lock, one
 * read and one write of every table for the whole batch), each with its own answer. A batch
 * the database refuses is retried request by request, so one bad request fails alone.
 */
@Injectable()
export class ClaimIntake {
  private readonly batcher = new Batcher<ClaimRequest, ClaimAccepted>((requests) => this.runBatch(requests), {
    maxBatch: 200,
    maxInFlight: 2,
    lingerMs: 3,
  });

  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly policies: BasicPolicies,
    private readonly personYears: BasicPersonYears,
    private readonly slips: SlipView,
  ) {}

  handle(request: ClaimRequest): Promise<ClaimAccepted> {
    return this.batcher.submit(request);
  }

  /** Batches written and requests carried, for /status. */
  readonly stats = { batches: 0, requests: 0, millis: 0 };

  private async runBatch(requests: ClaimRequest[]): Promise<Outcome<ClaimAccepted>[]> {
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

  /** Check, decide and save every request of the batch in one transaction. */
  private async decide(tx: Tx, requests: ClaimRequest[]): Promise<Outcome<true>[]> {
    const outcomes: (Outcome<true> | undefined)[] = requests.map(() => undefined);
    const rows = await tx.query<ClaimRow>(
      'SELECT claim_id, stream_id, region, person_id, year, version, status, first_hash, latest_hash FROM claims WHERE claim_id = ANY($1::text[])',
      [[...new Set(requests.map(claimIdOf))]],
    );
    const known = new Map<string, Pick<ClaimRow, 'region' | 'person_id' | 'year' | 'first_hash'> & { inBatch?: number }>(
      rows.map((r) => [r.claim_id, r]),
    );
    const sameAs = new Map<number, number>(); // a request repeated within the batch gets the first one's answer
    const planned: {
      index: number;
      key: PersonYearRef;
      command: (policy: PolicyInForce) => BasicCommand;
      newClaim?: string;
      correlationId: string;
      now: Date;
    }[] = [];

    requests.forEach((r, index) => {
      const fail = (error: unknown) => (outcomes[index] = { ok: false, error });
      const existing = known.get(claimIdOf(r));
      if (r.kind === 'submit') {
        const hash = contentHash(r.claim);
        if (existing) {
          if (existing.first_hash === hash && existing.inBatch !== undefined) sameAs.set(index, existing.inBatch);
          else if (existing.first_hash === hash)
            outcomes[index] = { ok: true, value: true }; // the same claim again: same answer, no change
          else
            fail(
              Problem.conflict(
                `claim ${r.claim.claimId} was already submitted with different content; correct it with PUT /claims/${r.claim.claimId}`,
              ),
            );
          return;
        }
        const key = personYearOf(r.claim);
        known.set(r.claim.claimId, { region: key.region, person_id: key.personId, year: key.year, first_hash: hash, inBatch: index });
        planned.push({
          index,
          key,
          command: (policy) => ({ type: 'SubmitClaim', data: { claim: r.claim, policy }, metadata: { now: r.now } }),
          newClaim: r.claim.claimId,
          correlationId: r.correlationId,
          now: r.now,
        });
        return;
      }
      if (!existing) return fail(Problem.notFound(`claim ${claimIdOf(r)} is unknown`));
      const key = { region: existing.region, personId: existing.person_id, year: existing.year };
      if (r.kind === 'correct') {
        const moved: FieldProblem[] = [];
        if (existing.person_id !== r.claim.personId) moved.push({ path: '/personId', message: `must stay ${existing.person_id}` });
        if (existing.region !== r.claim.region) moved.push({ path: '/region', message: `must stay ${existing.region}` });
        if (existing.year !== yearOf(r.claim.serviceDate)) moved.push({ path: '/serviceDate', message: `must stay in ${existing.year}` });
        if (moved.length > 0)
          return fail(
            Problem.conflict(
              'a correction cannot move a claim to another person, region or year; reverse it and submit a new claim',
              moved,
            ),
          );
        planned.push({
          index,
          key,
          command: (policy) => ({ type: 'CorrectClaim', data: { claim: r.claim, policy }, metadata: { now: r.now } }),
          correlationId: r.correlationId,
          now: r.now,
        });
        return;
      }
      planned.push({
        index,
        key,
        command: (policy) => ({ type: 'ReverseClaim', data: { claimId: r.claimId, reason: r.reason, policy }, metadata: { now: r.now } }),
        correlationId: r.correlationId,
        now: r.now,
      });
    });

    const policies = await this.policies.inForce(
      tx,
      planned.map((p) => p.key),
    );
    const ready: { index: number; key: PersonYearRef; command: BasicCommand; correlationId: string; now: Date }[] = [];
    for (const p of planned) {
      const policy = policies.get(`${p.key.region}|${p.key.year}`);
      if (policy) {
        ready.push({ ...p, command: p.command({ revision: policy.revision, terms: policy.terms }) });
        continue;
      }
      const error =
        p.newClaim !== undefined
          ? Problem.notPayable(`there is no basic policy for region ${p.key.region} in ${p.key.year}; the claim cannot be settled`, [
              { path: '/serviceDate', message: `no basic policy for ${p.key.region}/${p.key.year}` },
            ])
          : Problem.notPayable(`there is no basic policy for region ${p.key.region} in ${p.key.year}`);
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
      const error = d.error;
      outcomes[ready[i].index] =
        error instanceof DecisionRejected
          ? { ok: false, error: error.code === 'UNKNOWN_CLAIM' ? Problem.notFound(error.message) : Problem.conflict(error.message) }
          : { ok: true, value: true };
    });
    for (const [index, first] of sameAs) outcomes[index] = outcomes[first];
    return outcomes.map((o) => o ?? { ok: false, error: new Error('request not decided') });
  }
}
