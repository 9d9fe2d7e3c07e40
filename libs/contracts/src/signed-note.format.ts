import { createHash, createPublicKey, KeyObject, sign, verify } from 'node:crypto';

/**
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519 signatures: a text ending in a
 * newline, a blank line, then one line per signature, `— <key name> base64(key ID ‖ sig)`.
 * The key ID is SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]; a verifier key is written
 * `<name>+<key ID, 8 hex digits>+base64(0x01 ‖ public key)` (as golang.org/x/mod/sumdb/note).
 */
export const ED25519_SIGNATURE_TYPE = 0x01;
const SIGNATURE_PREFIX = '\u2014 '; // em dash, space
/** More signatures than this make a note malformed (the spec asks verifiers to accept at least 16). */
export const MAX_NOTE_SIGNATURES = 100;

export class NoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoteError';
  }
}

export interface NoteSigner {
  name: string;
  privateKey: KeyObject;
}

export interface NoteVerifier {
  name: string;
  /** The 4-byte key ID as 8 lowercase hex digits. */
  keyId: string;
  /** The raw 32-byte Ed25519 public key. */
  publicKey: Buffer;
}

export interface OpenedNote {
  text: string;
  /** The signatures that verified (by a known key), in note order. */
  verifiedBy: { name: string; keyId: string }[];
  /** Signatures by keys the caller does not know: ignored, as the spec requires. */
  unknown: { name: string; keyId: string }[];
}

/** Signed notes hold no ASCII control character other than newline. */
// eslint-disable-next-line no-control-regex
const hasControl = (s: string) => /[\u0000-\u0009\u000b-\u001f]/.test(s);

/** Key names are non-empty, with no Unicode space and no plus sign. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s\u0085+]/u.test(name) && !hasControl(name);
}

/** Standard base64 (RFC 4648 §4) that decodes and re-encodes to itself; Node's decoder alone skips bad characters. */
export function strictBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/** The raw 32 bytes of an Ed25519 public key. */
export function rawEd25519PublicKey(key: KeyObject): Buffer {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new NoteError(`not an Ed25519 key: ${publicKey.asymmetricKeyType}`);
  const jwk = publicKey.export({ format: 'jwk' });
  return Buffer.from(jwk.x as string, 'base64url');
}

/** key ID = SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key)[:4], as 8 hex digits. */
export function noteKeyId(name: string, publicKey: Buffer): string {
  return createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Buffer.from([ED25519_SIGNATURE_TYPE]))
    .update(publicKey)
    .digest()
    .subarray(0, 4)
    .toString('hex');
}

/** `<name>+<key ID>+base64(0x01 ‖ public key)`. */
export function formatVerifierKey(name: string, publicKey: Buffer): string {
  if (!isValidKeyName(name)) throw new NoteError(`not a valid key name: ${JSON.stringify(name)}`);
  if (publicKey.length !== 32) throw new NoteError('an Ed25519 public key has 32 bytes');
  return `${name}+${noteKeyId(name, publicKey)}+${Buffer.concat([Buffer.from([ED25519_SIGNATURE_TYPE]), publicKey]).toString('base64')}`;
}

/** Parse a verifier key; its key ID must match its name and key, its type must be Ed25519. */
export function parseVerifierKey(text: string): NoteVerifier {
  // the name and key ID hold no "+"; the base64 key may
  const m = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(text);
  if (!m) throw new NoteError('a verifier key is <name>+<key ID>+<base64 key>');
  const [, name, keyId, key64] = m;
  if (!isValidKeyName(name)) throw new NoteError('the verifier key has no valid name');
  if (!/^[0-9a-f]{8}$/.test(keyId)) throw new NoteError('the key ID of a verifier key is 8 lowercase hex digits');
  const key = strictBase64(key64);
  if (!key || key.length === 0) throw new NoteError('the key of a verifier key is not base64');
  if (createHash('sha256').update(`${name}\n`).update(key).digest().subarray(0, 4).toString('hex') !== keyId)
    throw new NoteError('the key ID does not match the name and key');
  if (key[0] !== ED25519_SIGNATURE_TYPE) throw new NoteError(`unknown signature type 0x${key[0].toString(16).padStart(2, '0')}`);
  if (key.length !== 33) throw new NoteError('an Ed25519 verifier key holds 32 bytes of key');
  return { name, keyId, publicKey: key.subarray(1) };
}

function checkText(text: string): void {
  if (!text.endsWith('\n')) throw new NoteError('a note text ends with a newline');
  if (hasControl(text)) throw new NoteError('a note holds no control character but newline');
}

/** Sign a note text: the text, a blank line, the signature line. */
export function signNote(text: string, signer: NoteSigner): string {
  checkText(text);
  if (!isValidKeyName(signer.name)) throw new NoteError(`not a valid key name: ${JSON.stringify(signer.name)}`);
  const keyId = Buffer.from(noteKeyId(signer.name, rawEd25519PublicKey(signer.privateKey)), 'hex');
  const signature = sign(null, Buffer.from(text, 'utf8'), signer.privateKey);
  return `${text}\n${SIGNATURE_PREFIX}${signer.name} ${Buffer.concat([keyId, signature]).toString('base64')}\n`;
}

/**
 * Open a signed note: well-formed, and signed by at least one of `verifiers`. A signature by
 * a known key that fails to verify rejects the whole note; signatures by unknown keys are
 * ignored. Throws NoteError otherwise.
 */
export function openNote(note: string, verifiers: NoteVerifier[]): OpenedNote {
  if (hasControl(note)) throw new NoteError('malformed note: a control character');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed note: no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (!block.endsWith('\n')) throw new NoteError('malformed note: the last signature line has no newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw new NoteError('malformed note: too many signatures');
  const verifiedBy: OpenedNote['verifiedBy'] = [];
  const unknown: OpenedNote['unknown'] = [];
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) throw new NoteError('malformed note: a signature line begins with "— "');
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = rest.slice(0, space);
    const bytes = space > 0 ? strictBase64(rest.slice(space + 1)) : undefined;
    if (!isValidKeyName(name) || !bytes || bytes.length < 5) throw new NoteError('malformed note: a signature line is "— <name> <base64>"');
    const keyId = bytes.subarray(0, 4).toString('hex');
    const matches = verifiers.filter((v) => v.name === name && v.keyId === keyId);
    if (matches.length > 1) throw new NoteError(`ambiguous key ${name}+${keyId}`);
    if (matches.length === 0) {
      unknown.push({ name, keyId });
      continue;
    }
    const publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: matches[0].publicKey.toString('base64url') },
      format: 'jwk',
    });
    if (!verify(null, Buffer.from(text, 'utf8'), publicKey, bytes.subarray(4)))
      throw new NoteError(`invalid signature for key ${name}+${keyId}`);
    verifiedBy.push({ name, keyId });
  }
  if (verifiedBy.length === 0) throw new NoteError('the note has no signature by a known key');
  return { text, verifiedBy, unknown };
}
