import type { PersonYearRef } from '@msb/contracts';
import { Decider, DecisionRejected } from '@msb/settlement';

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
