import { isValidKeyName, NoteError, strictBase64 } from './signed-note.format';

/**
 * C2SP checkpoints (c2sp.org/tlog-checkpoint): the text of a signed note, three lines or
 * more — the origin (the log's name, also its key name), the tree size in decimal without
 * leading zeroes, the base64 RFC 6962 root hash — then optional non-empty extension lines.
 */
export interface CheckpointText {
  origin: string;
  treeSize: number;
  rootHash: Buffer;
  extensions?: string[];
}

export function formatCheckpoint(c: CheckpointText): string {
  if (!isValidKeyName(c.origin)) throw new NoteError(`not a valid origin: ${JSON.stringify(c.origin)}`);
  if (!Number.isSafeInteger(c.treeSize) || c.treeSize < 0) throw new NoteError(`not a tree size: ${c.treeSize}`);
  if (c.rootHash.length !== 32) throw new NoteError('a root hash has 32 bytes');
  for (const line of c.extensions ?? [])
    if (line === '' || line.includes('\n')) throw new NoteError('an extension line is one non-empty line');
  return [c.origin, String(c.treeSize), c.rootHash.toString('base64'), ...(c.extensions ?? [])].map((l) => `${l}\n`).join('');
}

export function parseCheckpoint(text: string): Required<CheckpointText> {
  if (!text.endsWith('\n')) throw new NoteError('a checkpoint ends with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new NoteError('a checkpoint has an origin, a tree size and a root hash');
  const [origin, size, root, ...extensions] = lines;
  if (origin === '') throw new NoteError('a checkpoint names its origin');
  if (!/^(0|[1-9][0-9]*)$/.test(size) || !Number.isSafeInteger(Number(size)))
    throw new NoteError('the tree size is a decimal number without leading zeroes');
  const rootHash = strictBase64(root);
  if (!rootHash || rootHash.length !== 32) throw new NoteError('the root hash is 32 bytes in base64');
  if (extensions.some((l) => l === '')) throw new NoteError('extension lines are not empty');
  return { origin, treeSize: Number(size), rootHash, extensions };
}
