/**
 * The local token issuer for development and tests: an Ed25519 key made once into
 * deploy/local/.runtime/auth/ (git-ignored), its public JWKS, and the trusted-issuers file
 * that the local services are given as AUTH_TRUSTED_ISSUERS. Tokens are signed with jose.
 *
 *   issuer.private.jwk.json   the private key (mode 600; never leaves this machine)
 *   jwks.json                 its public half
 *   trusted-issuers.json      [{ issuer, jwks: "jwks.json", agencies: [every agency] }, the service issuers]
 *   basic-insurance.private.jwk.json, basic-insurance.jwks.json
 *                             basic-insurance's own key: it signs the service tokens with which it asks
 *                             大病 and assistance for their parts of a preview (试算); an issuer that speaks
 *                             for the medical-insurance bureau only
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const AUTH_DIR = path.join(__dirname, '.runtime', 'auth');
const LOCAL_ISSUER = 'urn:msb:local-issuer';
const AGENCIES = ['medical-insurance-bureau', 'insurer', 'civil-affairs', 'audit'];
const SERVICES = ['basic-insurance', 'critical-illness', 'medical-assistance', 'audit'];

/** The services each role acts on: a token's audiences. */
const ROLE_AUDIENCES = {
  // claims at basic; each payer's statement and reconciliation (对账) at that payer
  hospital: ['basic-insurance', 'critical-illness', 'medical-assistance'],
  // and audit for a what-if (POST /what-ifs) of their own section
  'basic-officer': ['basic-insurance', 'audit'],
  'insurer-officer': ['critical-illness', 'audit'],
  'civil-affairs-officer': ['medical-assistance', 'audit'],
  auditor: SERVICES,
  operator: SERVICES,
  // read-only: /metrics (what Prometheus scrapes with)
  monitor: SERVICES,
  // what basic-insurance's own service tokens carry (signed with its own key, not this issuer's)
  'settlement-service': ['critical-illness', 'medical-assistance'],
};
const ROLES = Object.keys(ROLE_AUDIENCES);

/** Services that call other agencies' services, each its own issuer for the agency it acts for. */
const SERVICE_ISSUERS = {
  'basic-insurance': { issuer: 'urn:msb:service:basic-insurance', agencies: ['medical-insurance-bureau'] },
};

/** An Ed25519 private JWK made once into `file` (mode 600); the first of two racing callers wins. */
function ensureKey(file, what) {
  if (!fs.existsSync(file)) {
    const { privateKey } = crypto.generateKeyPairSync('ed25519');
    const jwk = privateKey.export({ format: 'jwk' });
    const full = { ...jwk, kid: thumbprint(jwk), alg: 'EdDSA', use: 'sig' };
    try {
      fs.writeFileSync(file, `${JSON.stringify(full, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
      if (!process.env.INFRA_QUIET) process.stderr.write(`[infra] made ${what} in ${path.relative(process.cwd(), path.dirname(file))}\n`);
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

const publicOf = (jwk) => {
  const pub = { ...jwk };
  delete pub.d; // the private part
  return pub;
};

/** RFC 7638 thumbprint of an OKP public key: the key id. */
function thumbprint(jwk) {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return crypto.createHash('sha256').update(canonical).digest('base64url');
}

function writeIfChanged(file, text, mode) {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return;
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, text, { mode });
  fs.renameSync(temp, file);
}

/**
 * Make the local issuer's key if there is none (idempotent; the first of two racing callers
 * wins), and the public files that follow from it. Returns where they are.
 */
function ensureLocalIssuer(dir = AUTH_DIR) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const privateKeyFile = path.join(dir, 'issuer.private.jwk.json');
  if (!fs.existsSync(privateKeyFile)) {
    const { privateKey } = crypto.generateKeyPairSync('ed25519');
    const jwk = privateKey.export({ format: 'jwk' });
    const full = { ...jwk, kid: thumbprint(jwk), alg: 'EdDSA', use: 'sig' };
    try {
      fs.writeFileSync(privateKeyFile, `${JSON.stringify(full, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
      if (!process.env.INFRA_QUIET) process.stderr.write(`[infra] made a local token issuer key in ${path.relative(process.cwd(), dir)}\n`);
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
  }
  const privateJwk = JSON.parse(fs.readFileSync(privateKeyFile, 'utf8'));
  const publicJwk = { ...privateJwk };
  delete publicJwk.d; // the private part
  writeIfChanged(path.join(dir, 'jwks.json'), `${JSON.stringify({ keys: [publicJwk] }, null, 2)}\n`, 0o644);
  const services = {};
  const trusted = [{ issuer: LOCAL_ISSUER, jwks: 'jwks.json', agencies: AGENCIES }];
  for (const [service, { issuer, agencies }] of Object.entries(SERVICE_ISSUERS)) {
    const keyFile = path.join(dir, `${service}.private.jwk.json`);
    const key = ensureKey(keyFile, `${service}'s service token key`);
    writeIfChanged(path.join(dir, `${service}.jwks.json`), `${JSON.stringify({ keys: [publicOf(key)] }, null, 2)}\n`, 0o644);
    trusted.push({ issuer, jwks: `${service}.jwks.json`, agencies });
    services[service] = { issuer, keyFile };
  }
  const trustedIssuersFile = path.join(dir, 'trusted-issuers.json');
  writeIfChanged(trustedIssuersFile, `${JSON.stringify(trusted, null, 2)}\n`, 0o644);
  return { dir, issuer: LOCAL_ISSUER, privateKeyFile, trustedIssuersFile, services };
}

/**
 * What the local services are started with: the caller's AUTH_TRUSTED_ISSUERS, else the local
 * issuer; and for a service that calls other agencies (`service`), its own service token key.
 */
function localAuthEnv(service) {
  const local = ensureLocalIssuer();
  const own = service && local.services[service];
  return {
    AUTH_TRUSTED_ISSUERS: process.env.AUTH_TRUSTED_ISSUERS || local.trustedIssuersFile,
    ...(own ? { SERVICE_TOKEN_KEY_FILE: own.keyFile, SERVICE_TOKEN_ISSUER: own.issuer } : {}),
  };
}

/**
 * A token from the local issuer. `role` (or `roles`), and for a hospital `hospital`;
 * `regions` limits an officer; `ttl` seconds (default 3600); `audience` defaults to the
 * services the role acts on; `expiresAt` (seconds since the epoch) overrides `ttl`.
 */
async function mintToken(options) {
  const { SignJWT, importJWK } = require('jose');
  const roles = options.roles ?? [options.role];
  for (const role of roles) if (!ROLES.includes(role)) throw new Error(`unknown role ${role}; one of ${ROLES.join(', ')}`);
  if (roles.includes('hospital') && !options.hospital) throw new Error('a hospital token needs --hospital ID');
  const { privateKeyFile } = ensureLocalIssuer(options.dir);
  const jwk = JSON.parse(fs.readFileSync(privateKeyFile, 'utf8'));
  const key = await importJWK(jwk, 'EdDSA');
  const now = Math.floor(Date.now() / 1000);
  const claims = { roles };
  if (options.hospital) claims.hospital = options.hospital;
  if (options.regions) claims.regions = options.regions;
  const audience = options.audience ?? [...new Set(roles.flatMap((r) => ROLE_AUDIENCES[r]))];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid, typ: 'JWT' })
    .setIssuer(LOCAL_ISSUER)
    .setSubject(options.subject ?? `local:${roles.join('+')}${options.hospital ? `:${options.hospital}` : ''}`)
    .setAudience(audience)
    .setIssuedAt(options.expiresAt !== undefined ? Math.min(now, options.expiresAt - 60) : now)
    .setJti(crypto.randomUUID())
    .setExpirationTime(options.expiresAt ?? now + (options.ttl ?? 3600))
    .sign(key);
}

module.exports = {
  ensureLocalIssuer,
  localAuthEnv,
  mintToken,
  LOCAL_ISSUER,
  AGENCIES,
  ROLES,
  ROLE_AUDIENCES,
  SERVICES,
  SERVICE_ISSUERS,
  AUTH_DIR,
};

if (require.main === module) {
  const made = ensureLocalIssuer();
  process.stdout.write(`${JSON.stringify(made, null, 2)}\n`);
}
