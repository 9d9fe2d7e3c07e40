import { createHash } from 'node:crypto';
import { CompactRange, EMPTY_ROOT, foldRight, frontierNodes, merkleRoot, TreeNode } from './merkle.tree';

const leaf = (i: number) => createHash('sha256').update(`leaf ${i}`).digest();
const hex = (b: Buffer) => b.toString('hex');

describe('RFC 6962 Merkle trees', () => {
  it('the empty tree hashes to SHA-256 of nothing', () => {
    expect(hex(new CompactRange().root())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(new CompactRange().root().equals(EMPTY_ROOT)).toBe(true);
  });

  it('the compact range gives the same root as the recursive definition at every size', () => {
    const range = new CompactRange();
    const leaves: Buffer[] = [];
    for (let i = 0; i < 70; i++) {
      leaves.push(leaf(i));
      range.append(leaf(i));
      expect(hex(range.root())).toBe(hex(merkleRoot(leaves)));
    }
  });

  it('stores every perfect subtree once, and the frontier of any size folds to its root', () => {
    const range = new CompactRange();
    const nodes = new Map<string, TreeNode>();
    const leaves: Buffer[] = [];
    for (let i = 0; i < 45; i++) {
      leaves.push(leaf(i));
      for (const n of range.append(leaf(i))) {
        expect(nodes.has(`${n.level}/${n.index}`)).toBe(false);
        nodes.set(`${n.level}/${n.index}`, n);
        // a node is the root of leaves [index·2^level, (index+1)·2^level)
        const width = 2 ** n.level;
        expect(hex(n.hash)).toBe(hex(merkleRoot(leaves.slice(n.index * width, (n.index + 1) * width))));
      }
      const size = i + 1;
      const frontier = frontierNodes(size).map((id) => nodes.get(`${id.level}/${id.index}`)!.hash);
      expect(hex(foldRight(frontier))).toBe(hex(merkleRoot(leaves)));
      expect(frontier).toHaveLength(size.toString(2).replace(/0/g, '').length);
    }
    expect(nodes.size).toBe(45 + 22 + 11 + 5 + 2 + 1);
  });

  it('a checkpoint extends from the stored frontier of the previous one', () => {
    const stored = new Map<string, Buffer>();
    const first = new CompactRange();
    for (let i = 0; i < 13; i++) for (const n of first.append(leaf(i))) stored.set(`${n.level}/${n.index}`, n.hash);
    const resumed = new CompactRange(
      13,
      frontierNodes(13).map((id) => stored.get(`${id.level}/${id.index}`)!),
    );
    const whole = new CompactRange();
    for (let i = 0; i < 13; i++) whole.append(leaf(i));
    for (let i = 13; i < 29; i++) {
      resumed.append(leaf(i));
      whole.append(leaf(i));
    }
    expect(hex(resumed.root())).toBe(hex(whole.root()));
    expect(resumed.treeSize).toBe(29);
    expect(() => new CompactRange(13, [leaf(0)])).toThrow(/frontier/);
  });

  it('changing any leaf changes the root', () => {
    const leaves = Array.from({ length: 9 }, (_, i) => leaf(i));
    const root = hex(merkleRoot(leaves));
    for (let i = 0; i < leaves.length; i++) {
      const altered = [...leaves];
      altered[i] = leaf(100 + i);
      expect(hex(merkleRoot(altered))).not.toBe(root);
    }
  });
});
