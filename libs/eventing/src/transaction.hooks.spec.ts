import type { Tx } from './database.client';
import { afterCommit, afterRollback, settleTransaction, transactionLocal } from './transaction.hooks';

const newTx = (): Tx => ({ query: async () => [], execute: async () => 0 });

describe('after-transaction hooks: an effect is seen once, and only if its transaction committed', () => {
  it('runs commit hooks after a commit, in order, and never the rollback hooks', () => {
    const tx = newTx();
    const seen: string[] = [];
    afterCommit(tx, () => seen.push('first'));
    afterRollback(tx, () => seen.push('rolled back'));
    afterCommit(tx, () => seen.push('second'));
    expect(seen).toEqual([]);
    settleTransaction(tx, { committed: true });
    expect(seen).toEqual(['first', 'second']);
    settleTransaction(tx, { committed: true }); // settled once: nothing runs twice
    expect(seen).toEqual(['first', 'second']);
  });

  it('a rolled-back attempt runs only its rollback hooks, and its retry counts on its own transaction', () => {
    let counted = 0;
    const errors: unknown[] = [];
    const failed = newTx();
    afterCommit(failed, () => (counted += 1));
    afterRollback(failed, (e) => errors.push(e));
    const cause = new Error('serialization failure');
    settleTransaction(failed, { committed: false, error: cause });
    const retry = newTx();
    afterCommit(retry, () => (counted += 1));
    settleTransaction(retry, { committed: true });
    expect({ counted, errors }).toEqual({ counted: 1, errors: [cause] });
  });

  it('a failing hook neither stops the others nor reaches the caller', () => {
    const tx = newTx();
    const reported: unknown[] = [];
    let ran = false;
    afterCommit(tx, () => {
      throw new Error('hook broke');
    });
    afterCommit(tx, () => (ran = true));
    expect(() => settleTransaction(tx, { committed: true }, (e) => reported.push(e))).not.toThrow();
    expect(ran).toBe(true);
    expect(reported).toHaveLength(1);
  });

  it('keeps a value per transaction, made on first use', () => {
    const local = transactionLocal(() => new Map<string, number>());
    const a = newTx();
    const b = newTx();
    expect(local.peek(a)).toBeUndefined();
    local.get(a).set('x', 1);
    expect(local.get(a).get('x')).toBe(1);
    expect(local.peek(b)).toBeUndefined();
    settleTransaction(a, { committed: true });
    expect(local.peek(a)).toBeUndefined();
  });
});
