import { createHash } from 'node:crypto';

/**
 * RFC 6962 Merkle tree hashing over the log's entry hashes, kept as a compact range (the
 * roots of the perfect subtrees of the tree so far, largest first) so that a checkpoint
 * extends the previous one without reading the whole log again.
 */
const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

export const EMPTY_ROOT = sha256().toString('hex');

/** Leaf hash: SHA-256(0x00 ‖ leaf), the leaf being the entry hash's 32 bytes. */
export function leafHash(entryHashHex: string): Buffer {
  return sha256(Buffer.from([0]), Buffer.from(entryHashHex, 'hex'));
}

/** Interior node: SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return sha256(Buffer.from([1]), left, right);
}

export interface Frontier {
  size: number;
  /** Roots of the perfect subtrees, largest (leftmost) first, hex. */
  nodes: string[];
}

export class CompactRange {
  private size: number;
  private readonly nodes: Buffer[];

  constructor(frontier: Frontier = { size: 0, nodes: [] }) {
    this.size = frontier.size;
    this.nodes = frontier.nodes.map((n) => Buffer.from(n, 'hex'));
  }

  get treeSize(): number {
    return this.size;
  }

  append(entryHashHex: string): void {
    let node = leafHash(entryHashHex);
    // merge equal-sized perfect subtrees: one per trailing 1-bit of the old size
    for (let s = this.size; s & 1; s >>= 1) node = nodeHash(this.nodes.pop()!, node);
    this.nodes.push(node);
    this.size += 1;
  }

  /** MTH of the tree so far: the subtrees folded from the right (RFC 6962 §2.1). */
  root(): string {
    if (this.nodes.length === 0) return EMPTY_ROOT;
    let acc = this.nodes[this.nodes.length - 1];
    for (let i = this.nodes.length - 2; i >= 0; i--) acc = nodeHash(this.nodes[i], acc);
    return acc.toString('hex');
  }

  frontier(): Frontier {
    return { size: this.size, nodes: this.nodes.map((n) => n.toString('hex')) };
  }
}

/** MTH by the definition (recursive split at the largest power of two below n), for checking. */
export function merkleRoot(entryHashes: string[]): string {
  const mth = (leaves: string[]): Buffer => {
    if (leaves.length === 1) return leafHash(leaves[0]);
    let k = 1;
    while (k * 2 < leaves.length) k *= 2;
    return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
  };
  return entryHashes.length === 0 ? EMPTY_ROOT : mth(entryHashes).toString('hex');
}
