import { NoteError } from './signed-note.format';
import { formatCheckpoint, parseCheckpoint } from './tlog-checkpoint.format';

describe('C2SP tlog-checkpoint note text', () => {
  it("parses the spec's example and formats it back byte for byte", () => {
    const text = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    const c = parseCheckpoint(text);
    expect(c.origin).toBe('example.com/behind-the-sofa');
    expect(c.treeSize).toBe(20852163);
    expect(c.rootHash.toString('base64')).toBe('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=');
    expect(c.extensions).toEqual([]);
    expect(formatCheckpoint(c)).toBe(text);
  });

  it('keeps extension lines, and the empty tree has size 0', () => {
    const root = Buffer.alloc(32, 7);
    expect(parseCheckpoint(formatCheckpoint({ origin: 'o', treeSize: 0, rootHash: root, extensions: ['x y'] }))).toEqual({
      origin: 'o',
      treeSize: 0,
      rootHash: root,
      extensions: ['x y'],
    });
  });

  it('refuses what is not a checkpoint', () => {
    const root = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=';
    for (const bad of [
      `o\n5\n${root}`, // no final newline
      `o\n5\n`, // no root
      `\n5\n${root}\n`, // no origin
      `o\n05\n${root}\n`, // leading zero
      `o\n-5\n${root}\n`,
      `o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2=\n`, // 31 bytes
      `o\n5\n${root}\n\n`, // an empty extension line
    ])
      expect(() => parseCheckpoint(bad)).toThrow(NoteError);
    expect(() => formatCheckpoint({ origin: 'a b', treeSize: 1, rootHash: Buffer.alloc(32) })).toThrow(NoteError);
    expect(() => formatCheckpoint({ origin: 'a', treeSize: -1, rootHash: Buffer.alloc(32) })).toThrow(NoteError);
  });
});
