import { Batcher, Outcome } from './request.batcher';

describe('group commit batcher', () => {
  it('runs a lone request at once and groups the ones that arrive meanwhile', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const batcher = new Batcher<number, number>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await gate;
        return items.map((i): Outcome<number> => ({ ok: true, value: i * 10 }));
      },
      { maxInFlight: 1, maxBatch: 3 },
    );
    const first = batcher.submit(1);
    const rest = [2, 3, 4, 5].map((i) => batcher.submit(i));
    release();
    expect(await first).toBe(10);
    expect(await Promise.all(rest)).toEqual([20, 30, 40, 50]);
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('gives each item its own outcome and fails a whole batch only when the run fails', async () => {
    const batcher = new Batcher<number, number>(async (items) => {
      if (items.includes(99)) throw new Error('database down');
      return items.map((i): Outcome<number> => (i % 2 ? { ok: true, value: i } : { ok: false, error: new Error(`refused ${i}`) }));
    });
    await expect(batcher.submit(1)).resolves.toBe(1);
    await expect(batcher.submit(2)).rejects.toThrow('refused 2');
    await expect(batcher.submit(99)).rejects.toThrow('database down');
  });
});
