import { CompactRange, EMPTY_ROOT, merkleRoot } from './merkle.tree';
import { createHash } from 'node:crypto';

const entry = (i: number) => createHash('sha256').update(`entry ${i}`).digest('hex');

describe('RFC 6962 Merkle checkpoints', () => {
  it('the empty tree hashes to SHA-256 of nothing', () => {
    expect(new CompactRange().root()).toBe(EMPTY_ROOT);
    expect(EMPTY_ROOT).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('the compact range gives the same root as the recursive definition at every size', () => {
    const range = new CompactRange();
    const hashes: string[] = [];
    for (let i = 0; i < 70; i++) {
      hashes.push(entry(i));
      range.append(entry(i));
      expect(range.root()).toBe(merkleRoot(hashes));
    }
  });

  it('a checkpoint extends from the stored frontier of the previous one', () => {
    const first = new CompactRange();
    for (let i = 0; i < 13; i++) first.append(entry(i));
    const resumed = new CompactRange(first.frontier());
    const whole = new CompactRange();
    for (let i = 0; i < 13; i++) whole.append(entry(i));
    for (let i = 13; i < 29; i++) {
      resumed.append(entry(i));
      whole.append(entry(i));
    }
    expect(resumed.root()).toBe(whole.root());
    expect(resumed.treeSize).toBe(29);
  });

  it('changing any leaf changes the root', () => {
    const hashes = Array.from({ length: 9 }, (_, i) => entry(i));
    const root = merkleRoot(hashes);
    for (let i = 0; i < hashes.length; i++) {
      const altered = [...hashes];
      altered[i] = entry(100 + i);
      expect(merkleRoot(altered)).not.toBe(root);
    }
  });
});
