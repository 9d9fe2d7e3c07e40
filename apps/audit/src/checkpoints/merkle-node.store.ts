import type { Tx } from '@msb/eventing';
import { NodeId, nodeKey } from './merkle.proofs';
import { TreeNode } from './merkle.tree';

/** The stored nodes of the log's Merkle tree (table merkle_nodes), written once each, in the checkpoint's transaction. */
export async function storeNodes(tx: Tx, nodes: TreeNode[]): Promise<void> {
  for (let i = 0; i < nodes.length; i += 5000) {
    const page = nodes.slice(i, i + 5000);
    await tx.execute('INSERT INTO merkle_nodes (level, idx, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])', [
      page.map((n) => n.level),
      page.map((n) => String(n.index)),
      page.map((n) => n.hash),
    ]);
  }
}

/** The hashes of the given nodes, keyed by nodeKey; a node not stored is absent. */
export async function readNodes(tx: Pick<Tx, 'query'>, ids: NodeId[]): Promise<Map<string, Buffer>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.query<{ level: number; idx: string; hash: Buffer }>(
    'SELECT n.level, n.idx, n.hash FROM merkle_nodes n JOIN unnest($1::smallint[], $2::bigint[]) AS w(level, idx) ON n.level = w.level AND n.idx = w.idx',
    [ids.map((n) => n.level), ids.map((n) => String(n.index))],
  );
  return new Map(rows.map((r) => [nodeKey({ level: r.level, index: Number(r.idx) }), r.hash]));
}
