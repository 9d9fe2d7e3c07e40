import { availableParallelism } from 'node:os';
import { workersFor } from './what-if.pool';

describe('how many worker threads settle a what-if', () => {
  it('is one per core (at most 4) unless told, none when that is one, and none where the code is not compiled', () => {
    const cores = Math.min(4, availableParallelism());
    expect(workersFor({}, true)).toBe(cores > 1 ? cores : 0);
    expect(workersFor({ WHAT_IF_WORKERS: '3' }, true)).toBe(3);
    expect(workersFor({ WHAT_IF_WORKERS: '1' }, true)).toBe(0);
    expect(workersFor({ WHAT_IF_WORKERS: '0' }, true)).toBe(0);
    expect(workersFor({ WHAT_IF_WORKERS: '3' }, false)).toBe(0);
  });

  it.each(['two', '-1', '1.5', ''])('refuses WHAT_IF_WORKERS=%j', (raw) => {
    expect(() => workersFor({ WHAT_IF_WORKERS: raw }, true)).toThrow(/WHAT_IF_WORKERS/);
  });
});
