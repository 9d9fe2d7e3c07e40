import { readFileSync } from 'node:fs';
import { createPrivateKey, KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  formatCheckpoint,
  formatVerifierKey,
  isValidKeyName,
  NoteVerifier,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  rawEd25519PublicKey,
  signNote,
} from '@msb/contracts';
import { RUNTIME, ServiceRuntime } from '@msb/platform';

export const KEY_FILE_VARIABLE = 'AUDIT_CHECKPOINT_KEY_FILE';
export const ORIGIN_VARIABLE = 'AUDIT_LOG_ORIGIN';

export interface SignerSettings {
  origin: string;
  privateKey: KeyObject;
}

/**
 * The log's identity: its origin (AUDIT_LOG_ORIGIN, by default `msb.audit/<its database>`, for
 * a new database is a new log) and its Ed25519 key, read from the PKCS#8 PEM file that
 * AUDIT_CHECKPOINT_KEY_FILE names. Without a usable key the service does not start.
 */
export function signerSettings(env: NodeJS.ProcessEnv, database: string): SignerSettings {
  const origin = env[ORIGIN_VARIABLE] ?? `msb.audit/${database}`;
  if (!isValidKeyName(origin))
    throw new Error(
      `${ORIGIN_VARIABLE} must be a non-empty name without spaces or "+" (e.g. msb.audit/prod), not ${JSON.stringify(origin)}`,
    );
  return { origin, privateKey: checkpointKey(env) };
}

/** The signing key from the file AUDIT_CHECKPOINT_KEY_FILE names, or an error saying what is wrong with it. */
export function checkpointKey(env: NodeJS.ProcessEnv): KeyObject {
  const file = env[KEY_FILE_VARIABLE];
  if (!file)
    throw new Error(
      `${KEY_FILE_VARIABLE} is not set: the audit service signs its checkpoints with the Ed25519 private key (PKCS#8 PEM) in that file; npm run infra:up creates one for local use`,
    );
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${KEY_FILE_VARIABLE}=${file} cannot be read: ${(e as Error).message}`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new Error(`${KEY_FILE_VARIABLE}=${file} holds no private key in PEM`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error(`${KEY_FILE_VARIABLE}=${file} holds an ${privateKey.asymmetricKeyType} key; checkpoints are signed with Ed25519`);
  return privateKey;
}

/** Signs checkpoints as C2SP signed notes under the log's origin, which is also its key name. */
@Injectable()
export class CheckpointSigner {
  readonly origin: string;
  /** `<origin>+<key ID>+<base64 key>`, for GET /checkpoint/key. */
  readonly verifierKey: string;
  private readonly verifier: NoteVerifier;
  private readonly privateKey: KeyObject;

  constructor(@Inject(RUNTIME) runtime: ServiceRuntime) {
    const settings = signerSettings(process.env, new URL(runtime.config.databaseUrl).pathname.slice(1));
    this.origin = settings.origin;
    this.privateKey = settings.privateKey;
    this.verifierKey = formatVerifierKey(this.origin, rawEd25519PublicKey(this.privateKey));
    this.verifier = parseVerifierKey(this.verifierKey);
  }

  /** The signed checkpoint note of a tree. */
  sign(treeSize: number, rootHash: Buffer): string {
    return signNote(formatCheckpoint({ origin: this.origin, treeSize, rootHash }), { name: this.origin, privateKey: this.privateKey });
  }

  /** Whether `note` is this log's signed checkpoint of exactly that tree. */
  signed(note: string, treeSize: number, rootHash: Buffer): boolean {
    try {
      const c = parseCheckpoint(openNote(note, [this.verifier]).text);
      return c.origin === this.origin && c.treeSize === treeSize && c.rootHash.equals(rootHash) && c.extensions.length === 0;
    } catch {
      return false;
    }
  }
}
