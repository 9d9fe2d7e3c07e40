import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  AssistancePolicyDto,
  BasicCatalogueDto,
  BasicPolicyDto,
  ClaimDto,
  CriticalIllnessCatalogueDto,
  CriticalIllnessPolicyDto,
  HospitalRecordDto,
  Payment,
  PersonYearRef,
  ReasonCode,
} from '@msb/contracts';
import { Decider, DecisionRejected } from '@msb/settlement';
import { repoRoot } from './repo-root.path';

/**
 * What the snapshot store loads back: a state saved as JSON and read back through Postgres
 * jsonb keeps the same data with object keys reordered (shorter keys first, then bytewise).
 */
export const reloadedFromJsonb = <T>(value: T): T =>
  JSON.parse(JSON.stringify(value), (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

/**
 * Decider specs in emmett's shape: `given(events).when(command).then(events)` or
 * `.thenRejects(code)`. Every case is decided twice, on the state folded from the events and
 * on that state as reloaded from its snapshot, and must come out the same both times: a
 * decider never tells a fresh state from a stored one.
 */
export function deciderSpec<S, C extends { type: string }, E extends { type: string; data: unknown }>(
  decider: Decider<S, C, E>,
  key: PersonYearRef,
) {
  const fold = (events: readonly E[]): S => events.reduce(decider.evolve, decider.initialState(key));
  return {
    fold,
    given(events: readonly E[]) {
      const state = fold(events);
      const reloaded = reloadedFromJsonb(state);
      return {
        state,
        when(command: C) {
          return {
            /** Returns the state the expected events lead to. */
            then(expected: readonly E[]): S {
              expect(reloaded).toEqual(state);
              expect(decider.decide(command, state)).toEqual(expected);
              expect(decider.decide(command, reloaded)).toEqual(expected);
              return expected.reduce(decider.evolve, state);
            },
            thenRejects(code: string): void {
              for (const s of [state, reloaded]) {
                let thrown: unknown;
                try {
                  decider.decide(command, s);
                } catch (error) {
                  thrown = error;
                }
                expect(thrown).toBeInstanceOf(DecisionRejected);
                expect((thrown as DecisionRejected).code).toBe(code);
              }
            },
          };
        },
      };
    },
  };
}

/** A payer's first decision on a claim: SETTLED, the whole amount, reason INITIAL. */
export const settled = (claimId: string, amount: string, version = 1): Payment => ({
  claimId,
  version,
  kind: 'SETTLED',
  amount,
  paid: amount,
  reason: 'INITIAL',
});

/** A later change: ADJUSTED by `amount` (补付 / 追回) to `paid` in all. */
export const adjusted = (claimId: string, amount: string, paid: string, reason: ReasonCode, version = 1): Payment => ({
  claimId,
  version,
  kind: 'ADJUSTED',
  amount,
  paid,
  reason,
});

/** The events of one decision as `decide` emits them: its payments as `<payer>Settled` / `<payer>Adjusted`, then the decision. */
export function decisionEventsOf<P extends string, D extends { payments: Payment[] }>(payer: P, decision: D) {
  type E = { type: `${P}Settled` | `${P}Adjusted`; data: Payment } | { type: 'PersonYearDecided'; data: D };
  return [
    ...decision.payments.map((p): E => ({ type: p.kind === 'SETTLED' ? `${payer}Settled` : `${payer}Adjusted`, data: p })),
    { type: 'PersonYearDecided', data: decision } as E,
  ];
}

type PolicySections = { basic: BasicPolicyDto; criticalIllness: CriticalIllnessPolicyDto; assistance: AssistancePolicyDto };
type CatalogueSections = { basic: BasicCatalogueDto; criticalIllness: CriticalIllnessCatalogueDto };

interface ScenarioFileSteps {
  steps: ({ op: string; region?: string; year?: number; hospitalId?: string; hospital?: HospitalRecordDto; claim?: ClaimDto } & Partial<
    PolicySections & CatalogueSections
  >)[];
}

const scenarioSteps = (file: string): ScenarioFileSteps['steps'] =>
  (JSON.parse(readFileSync(join(repoRoot(), 'scenarios', file), 'utf8')) as ScenarioFileSteps).steps;

/** A policy section as the first putPolicy step of a file in scenarios/ states it. */
export function scenarioPolicy<K extends keyof PolicySections>(file: string, section: K): PolicySections[K] {
  const found = scenarioSteps(file).find((s) => s.op === 'putPolicy' && s[section] !== undefined)?.[section];
  if (found === undefined) throw new Error(`scenarios/${file} puts no ${section} policy`);
  return found as PolicySections[K];
}

/** A catalogue (`basic`: the bureau's, `criticalIllness`: 大病's) as the first putCatalogue step of a file in scenarios/ states it. */
export function scenarioCatalogue<K extends keyof CatalogueSections>(file: string, section: K): CatalogueSections[K] {
  const found = scenarioSteps(file).find((s) => s.op === 'putCatalogue' && s[section] !== undefined)?.[section];
  if (found === undefined) throw new Error(`scenarios/${file} puts no ${section} catalogue`);
  return found as CatalogueSections[K];
}

/** The hospital registry as the putHospital steps of a file in scenarios/ leave it, by hospital id. */
export function scenarioHospitals(file: string): Map<string, HospitalRecordDto> {
  const registry = new Map<string, HospitalRecordDto>();
  for (const s of scenarioSteps(file)) if (s.op === 'putHospital' && s.hospitalId && s.hospital) registry.set(s.hospitalId, s.hospital);
  return registry;
}

/** A claim as the submitClaim step of a file in scenarios/ states it. */
export function scenarioClaim(file: string, claimId: string): ClaimDto {
  const found = scenarioSteps(file).find((s) => s.op === 'submitClaim' && s.claim?.claimId === claimId)?.claim;
  if (found === undefined) throw new Error(`scenarios/${file} submits no claim ${claimId}`);
  return found;
}
