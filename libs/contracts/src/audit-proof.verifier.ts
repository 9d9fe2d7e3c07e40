import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical.json';

/**
 * What another agency needs to check the audit log without trusting it: the leaf hash of an
 * entry, and RFC 9162 §2.1.3.2 / §2.1.4.2 verification of inclusion and consistency proofs
 * against the root hash of a signed checkpoint. Pure, node:crypto only.
 */
export interface AuditLeaf {
  /** The topic without any deployment prefix. */
  topic: string;
  partition: number;
  offset: number;
  /** The event's envelope as recorded. */
  event: unknown;
}

const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

/** RFC 6962 leaf hash of an entry: SHA-256(0x00 ‖ JCS({ topic, partition, offset, event })), so its position is committed too. */
export function auditLeafHash(leaf: AuditLeaf): Buffer {
  if (!Number.isSafeInteger(leaf.partition) || !Number.isSafeInteger(leaf.offset)) throw new TypeError('partition and offset are integers');
  const jcs = canonicalJson({ topic: leaf.topic, partition: leaf.partition, offset: leaf.offset, event: leaf.event });
  return sha256(Buffer.from([0]), Buffer.from(jcs, 'utf8'));
}

/** RFC 6962 interior node: SHA-256(0x01 ‖ left ‖ right). */
export function merkleNodeHash(left: Buffer, right: Buffer): Buffer {
  return sha256(Buffer.from([1]), left, right);
}

const isOdd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);
const validSize = (n: number) => Number.isSafeInteger(n) && n >= 0;

/** RFC 9162 §2.1.3.2: does `path` prove the leaf at `index` in the tree of `size` leaves whose root is `root`? */
export function verifyInclusion(p: { leafHash: Buffer; index: number; size: number; path: Buffer[]; root: Buffer }): boolean {
  if (!validSize(p.index) || !validSize(p.size) || p.index >= p.size) return false;
  let fn = p.index;
  let sn = p.size - 1;
  let r = p.leafHash;
  for (const node of p.path) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = merkleNodeHash(node, r);
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = merkleNodeHash(r, node);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && r.equals(p.root);
}

/**
 * RFC 9162 §2.1.4.2: does `path` prove that the tree of `size1` leaves with root `root1` is a
 * prefix of the tree of `size2` leaves with root `root2`? Equal sizes need an empty path and
 * equal roots; the empty tree is a prefix of every tree.
 */
export function verifyConsistency(p: { size1: number; size2: number; path: Buffer[]; root1: Buffer; root2: Buffer }): boolean {
  if (!validSize(p.size1) || !validSize(p.size2) || p.size1 > p.size2) return false;
  if (p.size1 === p.size2) return p.path.length === 0 && p.root1.equals(p.root2);
  if (p.size1 === 0) return p.path.length === 0;
  if (p.path.length === 0) return false;
  // a first tree of 2^k leaves is a subtree of the second: its root is where the path starts
  const path = isPowerOfTwo(p.size1) ? [p.root1, ...p.path] : p.path;
  let fn = p.size1 - 1;
  let sn = p.size2 - 1;
  while (isOdd(fn)) [fn, sn] = [half(fn), half(sn)];
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = merkleNodeHash(c, fr);
      sr = merkleNodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = merkleNodeHash(sr, c);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return fr.equals(p.root1) && sr.equals(p.root2) && sn === 0;
}

function isPowerOfTwo(n: number): boolean {
  let m = n;
  while (m > 1 && m % 2 === 0) m /= 2;
  return m === 1;
}
