#!/usr/bin/env node
/**
 * The audit service's checkpoint signing key for local use: an Ed25519 private key (PKCS#8
 * PEM), made once under deploy/local/.runtime (git-ignored), readable by its owner only, and
 * never overwritten. AUDIT_CHECKPOINT_KEY_FILE names another file instead (left as it is).
 *
 *   node deploy/local/checkpoint-key.js [file]   make the key if it is missing; print its path
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const DEFAULT_FILE = path.join(__dirname, '.runtime', 'audit', 'checkpoint-key.pem');

/** Make an Ed25519 key at `file` unless one is there; returns the file. */
function ensureCheckpointKey(file) {
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  try {
    // 'wx': a key another process made meanwhile is kept, never replaced
    fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if (e.code !== 'EEXIST') throw e;
  }
  return file;
}

/** The key file the local services use: AUDIT_CHECKPOINT_KEY_FILE if set, else the default one, made if missing. */
function localCheckpointKey() {
  return process.env.AUDIT_CHECKPOINT_KEY_FILE || ensureCheckpointKey(DEFAULT_FILE);
}

module.exports = { ensureCheckpointKey, localCheckpointKey, DEFAULT_FILE };

if (require.main === module) process.stdout.write(`${ensureCheckpointKey(process.argv[2] || DEFAULT_FILE)}\n`);
