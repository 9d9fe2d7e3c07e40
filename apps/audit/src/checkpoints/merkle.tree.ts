import { createHash } from 'node:crypto';
import { merkleNodeHash } from '@msb/contracts';

/**
 * RFC 6962 Merkle trees over the log's leaf hashes. A node is the root of a perfect subtree:
 * (level l, index i) covers leaves [i·2^l, (i+1)·2^l); level 0 holds the leaf hashes. Once
 * complete a node never changes, so the tree is stored node by node as it grows and any proof
 * of any size up to the last checkpoint is assembled from O(log n) stored nodes.
 */
export const EMPTY_ROOT = createHash('sha256').digest();

export interface TreeNode {
  level: number;
  index: number;
  hash: Buffer;
}

/** The perfect subtrees of a tree of `size` leaves, largest (leftmost) first: one per set bit of the size. */
export function frontierNodes(size: number): { level: number; index: number }[] {
  const out: { level: number; index: number }[] = [];
  let start = 0;
  for (let level = Math.floor(Math.log2(Math.max(size, 1))) + 1; level >= 0; level--) {
    const width = 2 ** level;
    if (start + width <= size) {
      out.push({ level, index: start / width });
      start += width;
    }
  }
  return out;
}

/**
 * The tree so far as a compact range (the roots of its perfect subtrees), so that a
 * checkpoint extends the previous one without reading the whole log again.
 */
export class CompactRange {
  private size: number;
  private readonly nodes: Buffer[];

  /** From the frontier of a tree of `size` leaves (frontierNodes(size), their hashes in that order). */
  constructor(size = 0, frontier: Buffer[] = []) {
    if (frontier.length !== frontierNodes(size).length)
      throw new Error(`a tree of ${size} leaves has ${frontierNodes(size).length} frontier nodes`);
    this.size = size;
    this.nodes = [...frontier];
  }

  get treeSize(): number {
    return this.size;
  }

  /** Append a leaf hash; returns every node it completes, the leaf itself first. */
  append(leafHash: Buffer): TreeNode[] {
    const index = this.size;
    const completed: TreeNode[] = [{ level: 0, index, hash: leafHash }];
    let node = leafHash;
    // merge equal-sized perfect subtrees: one per trailing 1-bit of the old size
    let level = 0;
    for (let s = this.size; s % 2 === 1; s = Math.floor(s / 2)) {
      node = merkleNodeHash(this.nodes.pop()!, node);
      level += 1;
      completed.push({ level, index: Math.floor(index / 2 ** level), hash: node });
    }
    this.nodes.push(node);
    this.size += 1;
    return completed;
  }

  /** MTH of the tree so far: the subtrees folded from the right (RFC 6962 §2.1). */
  root(): Buffer {
    return foldRight(this.nodes);
  }
}

/** H(n0, H(n1, … H(nk-1, nk))): the root of adjacent perfect subtrees, largest first. */
export function foldRight(nodes: Buffer[]): Buffer {
  if (nodes.length === 0) return EMPTY_ROOT;
  let acc = nodes[nodes.length - 1];
  for (let i = nodes.length - 2; i >= 0; i--) acc = merkleNodeHash(nodes[i], acc);
  return acc;
}

/** MTH by the definition (split at the largest power of two below n), for checking. */
export function merkleRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return merkleNodeHash(merkleRoot(leaves.slice(0, k)), merkleRoot(leaves.slice(k)));
}

/**
 * The leaf of the unsigned checkpoints taken before entries' positions were committed
 * (table checkpoints_v1): SHA-256(0x00 ‖ the entry's chain hash). Kept only to verify those.
 */
export function legacyLeafHash(entryHashHex: string): Buffer {
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from([0]), Buffer.from(entryHashHex, 'hex')]))
    .digest();
}
