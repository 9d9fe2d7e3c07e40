import { createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import {
  formatVerifierKey,
  isValidKeyName,
  NoteError,
  noteKeyId,
  openNote,
  parseVerifierKey,
  rawEd25519PublicKey,
  signNote,
} from './signed-note.format';

/*
 * Known answers from golang.org/x/mod/sumdb/note (note_test.go): Go's signer key
 * PRIVATE+KEY+PeterNeumann+c74f20a3+base64(0x01 ‖ Ed25519 seed), its verifier key, the note it
 * signs, and a second signer's signature. Ed25519 is deterministic, so the same seed must
 * give the very same signature line here.
 */
const PETER_SIGNER_KEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

/** An Ed25519 private key from its 32-byte seed (PKCS#8: the fixed prefix, then the seed). */
function ed25519FromSeed(seed: Buffer) {
  return createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
    format: 'der',
    type: 'pkcs8',
  });
}
const peterKey = () => {
  const bytes = Buffer.from(PETER_SIGNER_KEY.slice('PRIVATE+KEY+PeterNeumann+c74f20a3+'.length), 'base64');
  expect(bytes[0]).toBe(0x01);
  return ed25519FromSeed(bytes.subarray(1));
};

describe('C2SP signed notes (Ed25519)', () => {
  it("signs Go's known note byte for byte, with the key ID and verifier key Go derives", () => {
    const privateKey = peterKey();
    expect(signNote(TEXT, { name: 'PeterNeumann', privateKey })).toBe(`${TEXT}\n${PETER_SIG}`);
    const publicKey = rawEd25519PublicKey(privateKey);
    expect(noteKeyId('PeterNeumann', publicKey)).toBe('c74f20a3');
    expect(formatVerifierKey('PeterNeumann', publicKey)).toBe(PETER);
  });

  it('opens a note signed by a known key and ignores signatures by unknown keys', () => {
    const peter = parseVerifierKey(PETER);
    const enoch = parseVerifierKey(ENOCH);
    const both = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    expect(openNote(both, [peter])).toEqual({
      text: TEXT,
      verifiedBy: [{ name: 'PeterNeumann', keyId: 'c74f20a3' }],
      unknown: [{ name: 'EnochRoot', keyId: 'af0cfe78' }],
    });
    expect(openNote(both, [peter, enoch]).verifiedBy.map((s) => s.name)).toEqual(['PeterNeumann', 'EnochRoot']);
    expect(() => openNote(both, [])).toThrow('no signature by a known key');
    expect(() => openNote(`${TEXT}\n${ENOCH_SIG}`, [enoch, peter, enoch])).toThrow('ambiguous key EnochRoot+af0cfe78');
  });

  it('refuses a tampered note: text, signature, name or key ID changed', () => {
    const peter = parseVerifierKey(PETER);
    const note = `${TEXT}\n${PETER_SIG}`;
    expect(() => openNote(note.replace('cryptography', 'cryptograpHy'), [peter])).toThrow(/invalid signature/);
    expect(() => openNote(`${TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`, [peter])).toThrow(/invalid signature|malformed/);
    const flipped = Buffer.from(PETER_SIG.split(' ')[2].trim(), 'base64');
    flipped[40] ^= 1;
    expect(() => openNote(`${TEXT}\n— PeterNeumann ${flipped.toString('base64')}\n`, [peter])).toThrow(
      'invalid signature for key PeterNeumann+c74f20a3',
    );
    // another name or key ID is another (unknown) key: nothing verified
    expect(() => openNote(note.replace('— PeterNeumann', '— CarmenSandiego'), [peter])).toThrow('no signature by a known key');
    expect(() => openNote(note.replace('x08g', 'xxxx'), [peter])).toThrow('no signature by a known key');
  });

  it('refuses malformed notes', () => {
    const peter = parseVerifierKey(PETER);
    for (const bad of [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\u0001${TEXT}\n${PETER_SIG}`,
      `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
      `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
      `${TEXT}\n${PETER_SIG.repeat(101)}`,
    ]) {
      expect(() => openNote(bad, [peter])).toThrow(NoteError);
    }
  });

  it('round-trips with a fresh key, and a note verifies with no other key', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const vkey = formatVerifierKey('msb.audit/test', rawEd25519PublicKey(privateKey));
    expect(vkey).toMatch(/^msb\.audit\/test\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    const note = signNote('msb.audit/test\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n', { name: 'msb.audit/test', privateKey });
    expect(openNote(note, [parseVerifierKey(vkey)]).text).toBe('msb.audit/test\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n');
    const other = generateKeyPairSync('ed25519').privateKey;
    // the same name with another key: the key IDs differ, so the signature is not by a known key
    expect(() => openNote(note, [parseVerifierKey(formatVerifierKey('msb.audit/test', rawEd25519PublicKey(other)))])).toThrow(NoteError);
    expect(() => signNote('no final newline', { name: 'msb.audit/test', privateKey })).toThrow(NoteError);
    expect(() => signNote('x\n', { name: 'bad name', privateKey })).toThrow(NoteError);
  });

  it('reads a verifier key whose base64 key holds a plus sign', () => {
    for (;;) {
      const { privateKey } = generateKeyPairSync('ed25519');
      const publicKey = rawEd25519PublicKey(privateKey);
      const vkey = formatVerifierKey('msb.audit/test', publicKey);
      if (!vkey.split('+').slice(2).join('+').includes('+')) continue;
      expect(parseVerifierKey(vkey).publicKey.equals(publicKey)).toBe(true);
      return;
    }
  });

  it("parses verifier keys as Go does, refusing every mangled form of Go's key", () => {
    const peter = parseVerifierKey(PETER);
    expect(peter.name).toBe('PeterNeumann');
    expect(peter.keyId).toBe('c74f20a3');
    expect(peter.publicKey).toHaveLength(32);
    for (let i = 0; i <= PETER.length; i++)
      for (let j = i + 1; j <= PETER.length; j++)
        if (i !== 0 || j !== PETER.length) expect(() => parseVerifierKey(PETER.slice(i, j))).toThrow(NoteError);
    for (let i = 0; i < PETER.length; i++) {
      const mangled = PETER.slice(0, i) + String.fromCharCode(PETER.charCodeAt(i) + 1) + PETER.slice(i + 1);
      expect(() => parseVerifierKey(mangled)).toThrow(NoteError);
    }
    // a key of the wrong length, and an unknown algorithm, each with a matching key ID (Go's, then one made here)
    expect(() => parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==')).toThrow(NoteError);
    expect(() => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toThrow(/unknown signature type/);
    const short = Buffer.concat([Buffer.from([0x01]), peter.publicKey.subarray(0, 31)]);
    const shortId = createHash('sha256').update('PeterNeumann\n').update(short).digest().subarray(0, 4).toString('hex');
    expect(() => parseVerifierKey(`PeterNeumann+${shortId}+${short.toString('base64')}`)).toThrow(/32 bytes/);
  });

  it('key names are non-empty, without spaces or plus signs', () => {
    expect(isValidKeyName('msb.audit/msb_audit')).toBe(true);
    for (const bad of ['', 'a b', 'a+b', 'a\tb', 'a\u3000b', 'a\nb']) expect(isValidKeyName(bad)).toBe(false);
  });
});
