import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { verifyConsistency, verifyInclusion } from '@msb/contracts';
import { consistencyRanges, inclusionRanges, nodeKey, rangeHashes } from './merkle.proofs';
import { CompactRange, merkleRoot } from './merkle.tree';

/*
 * The proofs the audit service serves, checked three ways: against the recursive definitions
 * of RFC 9162 §2.1.3.1 / §2.1.4.1 over the whole leaf list, with a verifier written here from
 * §2.1.3.2 / §2.1.4.2 on BigInt (independent of the one in libs/contracts), and with the
 * verifier other agencies use (libs/contracts), which must refuse every altered proof.
 */

// ---- an independent RFC 9162 verifier (BigInt, step by step as the RFC words it) ----------
const H = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const node = (l: Buffer, r: Buffer) => H(Buffer.from([0x01]), l, r);
const lsb = (x: bigint) => (x & 1n) === 1n;

function rfcVerifyInclusion(leafIndex: number, treeSize: number, leaf: Buffer, path: Buffer[], root: Buffer): boolean {
  // 1. Compare leaf_index from the inclusion_proof_v2 structure against tree_size. If leaf_index is greater than or equal to tree_size, then fail.
  if (leafIndex >= treeSize) return false;
  // 2. Set fn to leaf_index and sn to tree_size - 1.  3. Set r to hash.
  let fn = BigInt(leafIndex);
  let sn = BigInt(treeSize) - 1n;
  let r = leaf;
  // 4. For each value p in the inclusion_path array:
  for (const p of path) {
    // a. If sn is 0, then stop the iteration and fail the proof verification.
    if (sn === 0n) return false;
    // b. If LSB(fn) is set, or if fn is equal to sn, then:
    if (lsb(fn) || fn === sn) {
      r = node(p, r);
      // If LSB(fn) is not set, then right-shift both fn and sn equally until either LSB(fn) is set or fn is 0.
      if (!lsb(fn)) while (!(lsb(fn) || fn === 0n)) [fn, sn] = [fn >> 1n, sn >> 1n];
    } else {
      r = node(r, p);
    }
    // c. Finally, right-shift both fn and sn one time.
    [fn, sn] = [fn >> 1n, sn >> 1n];
  }
  // 5. Compare sn to 0. Compare r against the root_hash. If sn is equal to 0 and r and the root_hash are equal, then the log has proven the inclusion of hash.
  return sn === 0n && r.equals(root);
}

function rfcVerifyConsistency(first: number, second: number, firstHash: Buffer, secondHash: Buffer, consistencyPath: Buffer[]): boolean {
  // 1. If consistency_path is an empty array, stop and fail the proof verification.
  if (consistencyPath.length === 0) return false;
  // 2. If first is an exact power of 2, then prepend first_hash to the consistency_path array.
  const path = (BigInt(first) & (BigInt(first) - 1n)) === 0n ? [firstHash, ...consistencyPath] : consistencyPath;
  // 3. Set fn to first - 1 and sn to second - 1.
  let fn = BigInt(first) - 1n;
  let sn = BigInt(second) - 1n;
  // 4. If LSB(fn) is set, then right-shift both fn and sn equally until LSB(fn) is not set.
  while (lsb(fn)) [fn, sn] = [fn >> 1n, sn >> 1n];
  // 5. Set both fr and sr to the first value in the consistency_path array.
  let fr = path[0];
  let sr = path[0];
  // 6. For each subsequent value c in the consistency_path array:
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if (lsb(fn) || fn === sn) {
      fr = node(c, fr);
      sr = node(c, sr);
      if (!lsb(fn)) while (!(lsb(fn) || fn === 0n)) [fn, sn] = [fn >> 1n, sn >> 1n];
    } else {
      sr = node(sr, c);
    }
    [fn, sn] = [fn >> 1n, sn >> 1n];
  }
  // 7. After completing iterating through the consistency_path array as described above, verify that the fr calculated is equal to the first_hash supplied, that the sr calculated is equal to the second_hash supplied, and that sn is 0.
  return fr.equals(firstHash) && sr.equals(secondHash) && sn === 0n;
}

// ---- the definitions (RFC 9162 §2.1.3.1, §2.1.4.1) over the leaves, D[start:end] ---------
const largestPowerOfTwoBelow = (n: number) => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};
const memo = new Map<string, Buffer>();
/** MTH(D[start:end]) by its definition, remembered. */
function mth(start: number, end: number): Buffer {
  const key = `${start}:${end}`;
  let hash = memo.get(key);
  if (!hash) {
    if (end - start === 1) hash = tree.leaves[start];
    else {
      const k = largestPowerOfTwoBelow(end - start);
      hash = node(mth(start, start + k), mth(start + k, end));
    }
    memo.set(key, hash);
  }
  return hash;
}
function definitionPath(m: number, start: number, end: number): Buffer[] {
  if (end - start === 1) return [];
  const k = largestPowerOfTwoBelow(end - start);
  return m < k
    ? [...definitionPath(m, start, start + k), mth(start + k, end)]
    : [...definitionPath(m - k, start + k, end), mth(start, start + k)];
}
function definitionSubproof(m: number, start: number, end: number, b: boolean): Buffer[] {
  if (m === end - start) return b ? [] : [mth(start, end)];
  const k = largestPowerOfTwoBelow(end - start);
  return m <= k
    ? [...definitionSubproof(m, start, start + k, b), mth(start + k, end)]
    : [...definitionSubproof(m - k, start + k, end, false), mth(start, start + k)];
}

// ---- a tree as the audit service stores it ---------------------------------------------
const leafHash = (i: number) => H(Buffer.from([0x00]), Buffer.from(`entry ${i}`));

function storedTree(size: number) {
  const range = new CompactRange();
  const nodes = new Map<string, Buffer>();
  const leaves: Buffer[] = [];
  for (let i = 0; i < size; i++) {
    leaves.push(leafHash(i));
    for (const n of range.append(leafHash(i))) nodes.set(nodeKey(n), n.hash);
  }
  return { leaves, nodes, root: range.root() };
}

const MAX = 300;
const tree = storedTree(MAX);
const rootOf = (n: number) => mth(0, n);
const served = {
  inclusion: (index: number, size: number) => rangeHashes(inclusionRanges(index, size), tree.nodes),
  consistency: (m: number, n: number) => rangeHashes(consistencyRanges(m, n), tree.nodes),
};
const hex = (bs: Buffer[]) => bs.map((b) => b.toString('hex'));

/** Every way to spoil a proof: a flipped bit in any element, an element dropped or added. */
function spoilt(path: Buffer[]): Buffer[][] {
  const out: Buffer[][] = [];
  path.forEach((h, i) => {
    const flipped = Buffer.from(h);
    flipped[i % 32] ^= 0x01;
    out.push(path.map((x, j) => (j === i ? flipped : x)));
    out.push(path.filter((_, j) => j !== i));
  });
  out.push([...path, leafHash(999)]);
  return out;
}

describe('RFC 9162 inclusion proofs', () => {
  it('equal the definition and verify, by both verifiers, at every index of every size up to 70', () => {
    const failures: string[] = [];
    for (let size = 1; size <= 70; size++) {
      const root = rootOf(size);
      for (let index = 0; index < size; index++) {
        const path = served.inclusion(index, size);
        if (hex(path).join() !== hex(definitionPath(index, 0, size)).join()) failures.push(`${index}/${size}: not the definition`);
        if (!rfcVerifyInclusion(index, size, tree.leaves[index], path, root)) failures.push(`${index}/${size}: refused (RFC)`);
        if (!verifyInclusion({ leafHash: tree.leaves[index], index, size, path, root }))
          failures.push(`${index}/${size}: refused (contracts)`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('verify for random sizes and indices, and are refused for another leaf, index, size or an altered path', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX }).chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 }))),
        ([size, index]) => {
          const root = rootOf(size);
          const path = served.inclusion(index, size);
          const leaf = tree.leaves[index];
          expect(rfcVerifyInclusion(index, size, leaf, path, root)).toBe(true);
          expect(verifyInclusion({ leafHash: leaf, index, size, path, root })).toBe(true);
          // a deleted or moved event: another leaf at this place, or this leaf at another place
          const other = tree.leaves[(index + 1) % MAX];
          expect(verifyInclusion({ leafHash: other, index, size, path, root })).toBe(false);
          for (const at of [index - 1, index + 1, index + size]) {
            if (at < 0) continue;
            expect(rfcVerifyInclusion(at, size, leaf, path, root)).toBe(false);
            expect(verifyInclusion({ leafHash: leaf, index: at, size, path, root })).toBe(false);
          }
          expect(verifyInclusion({ leafHash: leaf, index, size, path, root: rootOf(size === MAX ? size - 1 : size + 1) })).toBe(false);
          const accepted = spoilt(path).filter(
            (bad) => rfcVerifyInclusion(index, size, leaf, bad, root) || verifyInclusion({ leafHash: leaf, index, size, path: bad, root }),
          );
          expect(accepted).toEqual([]);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('RFC 9162 consistency proofs', () => {
  it('equal the definition and verify, by both verifiers, for every pair of sizes up to 64', () => {
    const failures: string[] = [];
    for (let n = 1; n <= 64; n++) {
      for (let m = 1; m <= n; m++) {
        const path = served.consistency(m, n);
        if (hex(path).join() !== hex(definitionSubproof(m, 0, n, true)).join()) failures.push(`${m}→${n}: not the definition`);
        if (m < n && !rfcVerifyConsistency(m, n, rootOf(m), rootOf(n), path)) failures.push(`${m}→${n}: refused (RFC)`);
        if (!verifyConsistency({ size1: m, size2: n, path, root1: rootOf(m), root2: rootOf(n) }))
          failures.push(`${m}→${n}: refused (contracts)`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('verify for random pairs of sizes, and are refused for a rewritten history or an altered path', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: MAX })
          .chain((n) => fc.integer({ min: 1, max: n - 1 }).chain((m) => fc.tuple(fc.constant(m), fc.constant(n), fc.nat(m - 1)))),
        ([m, n, changed]) => {
          const path = served.consistency(m, n);
          const [root1, root2] = [rootOf(m), rootOf(n)];
          expect(rfcVerifyConsistency(m, n, root1, root2, path)).toBe(true);
          expect(verifyConsistency({ size1: m, size2: n, path, root1, root2 })).toBe(true);
          // the second tree does not extend the first if any of the first's leaves was changed
          const rewritten = [...tree.leaves.slice(0, n)];
          rewritten[changed] = leafHash(1000);
          const forged = merkleRoot(rewritten.slice(0, m));
          expect(rfcVerifyConsistency(m, n, forged, root2, path)).toBe(false);
          expect(verifyConsistency({ size1: m, size2: n, path, root1: forged, root2 })).toBe(false);
          expect(verifyConsistency({ size1: m, size2: n, path, root1, root2: merkleRoot(rewritten) })).toBe(false);
          const accepted = spoilt(path).filter(
            (bad) => rfcVerifyConsistency(m, n, root1, root2, bad) || verifyConsistency({ size1: m, size2: n, path: bad, root1, root2 }),
          );
          expect(accepted).toEqual([]);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('equal sizes need equal roots and an empty path; the sizes must be in order', () => {
    expect(verifyConsistency({ size1: 5, size2: 5, path: [], root1: rootOf(5), root2: rootOf(5) })).toBe(true);
    expect(verifyConsistency({ size1: 5, size2: 5, path: [], root1: rootOf(5), root2: rootOf(6) })).toBe(false);
    expect(verifyConsistency({ size1: 6, size2: 5, path: served.consistency(5, 6), root1: rootOf(6), root2: rootOf(5) })).toBe(false);
    expect(() => consistencyRanges(0, 5)).toThrow(RangeError);
    expect(() => inclusionRanges(5, 5)).toThrow(RangeError);
  });

  it('is assembled from stored nodes only, and says so when one is missing', () => {
    const partial = new Map(tree.nodes);
    partial.delete(nodeKey({ level: 0, index: 10 }));
    expect(() => rangeHashes(inclusionRanges(11, 12), partial)).toThrow(/not stored/);
  });
});
