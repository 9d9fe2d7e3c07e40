import { z } from 'zod';
import { NoteError } from './signed-note.format';
import { parseCheckpoint } from './tlog-checkpoint.format';

/**
 * audit.CheckpointSigned: a checkpoint of the audit log as the signed note the audit service
 * serves at GET /checkpoint, published so that every agency keeps a copy. `origin`,
 * `treeSize` and `rootHash` repeat what the note's text says; the note's signature is checked
 * with the audit service's verifier key (GET /checkpoint/key), which agencies pin.
 */
export const checkpointSignedV1 = z
  .strictObject({
    origin: z.string().min(1).max(300),
    treeSize: z.number().int().min(1),
    rootHash: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be a 32-byte hash in base64'),
    note: z.string().min(1).max(16_384),
  })
  .superRefine((data, ctx) => {
    const noteText = data.note.slice(0, data.note.lastIndexOf('\n\n') + 1);
    try {
      const c = parseCheckpoint(noteText);
      if (c.origin !== data.origin || c.treeSize !== data.treeSize || c.rootHash.toString('base64') !== data.rootHash)
        ctx.addIssue({ code: 'custom', path: ['note'], message: 'says another origin, tree size or root hash' });
    } catch (e) {
      if (!(e instanceof NoteError)) throw e;
      ctx.addIssue({ code: 'custom', path: ['note'], message: `is not a checkpoint note: ${e.message}` });
    }
  });
