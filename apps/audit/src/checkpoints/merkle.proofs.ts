import { foldRight } from './merkle.tree';

/**
 * RFC 9162 §2.1.3.1 inclusion paths and §2.1.4.1 consistency paths, each element the MTH of a
 * range of leaves [start, end). Every such range starts at a multiple of a power of two at
 * least as large as the range, so it is one stored perfect node or, where it ends at the
 * tree's right edge, a few of them folded from the right.
 */
export interface LeafRange {
  start: number;
  end: number;
}

export interface NodeId {
  level: number;
  index: number;
}

/** The largest power of two smaller than n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** PATH(m, D[start:end]): the sibling ranges from the leaf up to the root. */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  if (!(index >= 0 && index < size)) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  const path = (m: number, start: number, end: number): LeafRange[] => {
    if (end - start === 1) return [];
    const k = split(end - start);
    return m < start + k
      ? [...path(m, start, start + k), { start: start + k, end }]
      : [...path(m, start + k, end), { start, end: start + k }];
  };
  return path(index, 0, size);
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true), for 0 < m ≤ n (empty when m = n). */
export function consistencyRanges(m: number, n: number): LeafRange[] {
  if (!(m > 0 && m <= n)) throw new RangeError(`no consistency proof from ${m} to ${n}`);
  const subproof = (m_: number, start: number, end: number, whole: boolean): LeafRange[] => {
    if (m_ === end - start) return whole ? [] : [{ start, end }];
    const k = split(end - start);
    return m_ <= k
      ? [...subproof(m_, start, start + k, whole), { start: start + k, end }]
      : [...subproof(m_ - k, start + k, end, false), { start, end: start + k }];
  };
  return subproof(m, 0, n, true);
}

/** The perfect nodes that make up a range, largest first. */
export function nodesOf(range: LeafRange): NodeId[] {
  const out: NodeId[] = [];
  let start = range.start;
  let rest = range.end - range.start;
  while (rest > 0) {
    let width = 1;
    while (width * 2 <= rest) width *= 2;
    if (start % width !== 0) throw new RangeError(`[${range.start}, ${range.end}) is not aligned`);
    out.push({ level: Math.log2(width), index: start / width });
    start += width;
    rest -= width;
  }
  return out;
}

export const nodeKey = (n: NodeId) => `${n.level}/${n.index}`;

/** The MTH of each range from the nodes `lookup` holds (keyed by nodeKey). */
export function rangeHashes(ranges: LeafRange[], lookup: Map<string, Buffer>): Buffer[] {
  return ranges.map((r) =>
    foldRight(
      nodesOf(r).map((n) => {
        const hash = lookup.get(nodeKey(n));
        if (!hash) throw new Error(`merkle node ${nodeKey(n)} is not stored`);
        return hash;
      }),
    ),
  );
}
