import type { Tx } from './database.client';

/**
 * What happens after a transaction ends, and what it carries meanwhile. Effects that must be
 * seen once, such as a counter of adjustments or the end of a span, are registered on the
 * transaction and run only when it has committed (or, for `afterRollback`, when it has not):
 * an attempt that is rolled back and retried registers its own, on its own transaction, and
 * the failed attempt's are dropped. `Database.transaction` settles every transaction it runs;
 * a `Tx` that no one settles never runs its hooks.
 */
interface Lifecycle {
  committed: (() => void)[];
  rolledBack: ((error: unknown) => void)[];
  locals: Map<symbol, unknown>;
}

const lifecycles = new WeakMap<Tx, Lifecycle>();

function lifecycle(tx: Tx): Lifecycle {
  let l = lifecycles.get(tx);
  if (!l) lifecycles.set(tx, (l = { committed: [], rolledBack: [], locals: new Map() }));
  return l;
}

/** Run `fn` once the transaction has committed; never if it rolls back. */
export function afterCommit(tx: Tx, fn: () => void): void {
  lifecycle(tx).committed.push(fn);
}

/** Run `fn` if the transaction is rolled back (with the error that ended it). */
export function afterRollback(tx: Tx, fn: (error: unknown) => void): void {
  lifecycle(tx).rolledBack.push(fn);
}

/** A value that lives as long as one transaction, made on first use. */
export function transactionLocal<T>(make: () => T): { get: (tx: Tx) => T; peek: (tx: Tx) => T | undefined } {
  const key = Symbol('transaction-local');
  return {
    get(tx) {
      const { locals } = lifecycle(tx);
      if (!locals.has(key)) locals.set(key, make());
      return locals.get(key) as T;
    },
    peek: (tx) => lifecycles.get(tx)?.locals.get(key) as T | undefined,
  };
}

/**
 * Called by whoever ran the transaction, once, when it has ended. Hooks never fail the work
 * they follow: an error of one is handed to `onHookError` and the others still run.
 */
export function settleTransaction(
  tx: Tx,
  outcome: { committed: true } | { committed: false; error: unknown },
  onHookError?: (e: unknown) => void,
): void {
  const l = lifecycles.get(tx);
  if (!l) return;
  lifecycles.delete(tx);
  const run = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      onHookError?.(e);
    }
  };
  if (outcome.committed) for (const fn of l.committed) run(fn);
  else for (const fn of l.rolledBack) run(() => fn(outcome.error));
}
