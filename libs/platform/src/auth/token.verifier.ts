import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { identifier, regionCode } from '@msb/contracts';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, errors, JSONWebKeySet, jwtVerify, JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { ConfigError } from '../service.config';
import { AGENCIES, Agency, isRole, Principal, Role, ROLE_AGENCY } from './principal';

/** The only signatures accepted (RFC 7518 ES256, RFC 8037 EdDSA); `none` and HMAC never. */
export const ACCEPTED_ALGORITHMS = ['ES256', 'EdDSA'];

/** A token that does not prove who calls: the caller gets 401 with `WWW-Authenticate: Bearer`. */
export class AuthenticationError extends Error {
  constructor(readonly description: string) {
    super(description);
    this.name = 'AuthenticationError';
  }
}

export interface TrustedIssuer {
  issuer: string;
  /** Its signing keys. */
  keys: JWTVerifyGetKey;
  /** The agencies whose roles this issuer may grant. */
  agencies: readonly Agency[];
}

const trustedIssuersFileSchema = z
  .array(
    z.strictObject({
      issuer: z.string().min(1, 'must name the issuer (the iss of its tokens)'),
      jwks: z.string().min(1, 'must be a JWKS file path or an https URL'),
      agencies: z.array(z.enum(AGENCIES)).min(1, 'must name at least one agency'),
    }),
  )
  .min(1, 'must list at least one trusted issuer')
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((entry, i) => {
      if (seen.has(entry.issuer)) ctx.addIssue({ code: 'custom', path: [i, 'issuer'], message: `${entry.issuer} is listed twice` });
      seen.add(entry.issuer);
    });
  });

const jwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1, 'must hold at least one key') });

/**
 * The issuers a service trusts, from AUTH_TRUSTED_ISSUERS: the path of a JSON file
 * `[{ "issuer", "jwks": file path (relative to this file) or https URL, "agencies": [...] }]`.
 * There is no default and no way around it: a service without it does not start.
 */
export function loadTrustedIssuers(env: NodeJS.ProcessEnv = process.env): TrustedIssuer[] {
  const file = env.AUTH_TRUSTED_ISSUERS;
  if (!file)
    throw new ConfigError([
      'AUTH_TRUSTED_ISSUERS: is required: the path of a JSON file listing the token issuers this service trusts (npm run infra:up makes a local one)',
    ]);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError([`AUTH_TRUSTED_ISSUERS: ${file} cannot be read as JSON (${(e as Error).message})`]);
  }
  const parsed = trustedIssuersFileSchema.safeParse(raw);
  if (!parsed.success)
    throw new ConfigError(parsed.error.issues.map((i) => `AUTH_TRUSTED_ISSUERS ${file} at /${i.path.join('/')}: ${i.message}`));
  const problems: string[] = [];
  const issuers = parsed.data.map((entry, i): TrustedIssuer | undefined => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(entry.jwks)) {
      const url = new URL(entry.jwks);
      if (url.protocol !== 'https:') {
        problems.push(`AUTH_TRUSTED_ISSUERS ${file} at /${i}/jwks: a remote key set must be fetched over https`);
        return undefined;
      }
      return { issuer: entry.issuer, agencies: entry.agencies, keys: createRemoteJWKSet(url, { timeoutDuration: 5000 }) };
    }
    const path = isAbsolute(entry.jwks) ? entry.jwks : resolve(dirname(file), entry.jwks);
    try {
      const jwks = jwksSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
      return { issuer: entry.issuer, agencies: entry.agencies, keys: createLocalJWKSet(jwks as JSONWebKeySet) };
    } catch (e) {
      problems.push(`AUTH_TRUSTED_ISSUERS ${file} at /${i}/jwks: ${path} is not a JWKS file (${(e as Error).message.split('\n')[0]})`);
      return undefined;
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return issuers as TrustedIssuer[];
}

const claimsSchema = z.object({
  sub: z.string().min(1, 'must name the subject'),
  roles: z.array(z.string(), { error: 'must be a list of roles' }).min(1, 'must name at least one role'),
  hospital: identifier.optional(),
  regions: z.array(regionCode, { error: 'must be a list of region codes' }).optional(),
});

export interface TokenVerifierOptions {
  /** Seconds of clock skew allowed on exp and nbf. */
  clockToleranceSeconds?: number;
  /** Verified tokens kept (until they expire) so that a token's signature is checked once. */
  cacheSize?: number;
  now?: () => number;
}

/**
 * Verifies bearer JWTs (RFC 7519) for one service (`audience`, its name): signed ES256 or
 * EdDSA by a key of a trusted issuer, for this audience, unexpired, with a subject and roles,
 * a `hospital` claim for the hospital role, and only roles of agencies the issuer speaks for.
 */
export class TokenVerifier {
  private readonly byIssuer: Map<string, TrustedIssuer>;
  private readonly verified = new Map<string, Principal>();
  private readonly tolerance: number;
  private readonly cacheSize: number;
  private readonly now: () => number;

  constructor(
    issuers: readonly TrustedIssuer[],
    readonly audience: string,
    options: TokenVerifierOptions = {},
  ) {
    this.byIssuer = new Map(issuers.map((i) => [i.issuer, i]));
    this.tolerance = options.clockToleranceSeconds ?? 5;
    this.cacheSize = options.cacheSize ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  async verify(token: string): Promise<Principal> {
    const cached = this.verified.get(token);
    if (cached && this.now() / 1000 < cached.expiresAt + this.tolerance) return cached;
    this.verified.delete(token);
    const principal = await this.verifyAnew(token);
    if (this.verified.size >= this.cacheSize) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, principal);
    return principal;
  }

  private async verifyAnew(token: string): Promise<Principal> {
    let issuerName: unknown;
    try {
      issuerName = decodeJwt(token).iss;
    } catch {
      throw new AuthenticationError('the token is not a JWT');
    }
    const issuer = typeof issuerName === 'string' ? this.byIssuer.get(issuerName) : undefined;
    if (!issuer) throw new AuthenticationError(`the token's issuer ${JSON.stringify(issuerName ?? null)} is not trusted here`);
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, issuer.keys, {
        issuer: issuer.issuer,
        audience: this.audience,
        algorithms: ACCEPTED_ALGORITHMS,
        requiredClaims: ['exp', 'sub', 'aud'],
        clockTolerance: this.tolerance,
        currentDate: new Date(this.now()),
      }));
    } catch (e) {
      // the issuer's keys cannot be had now (a remote key set): not the caller's fault, so not a 401
      if (e instanceof errors.JWKSTimeout || (e instanceof Error && !(e instanceof errors.JOSEError))) throw e;
      throw new AuthenticationError(rejection(e, this.audience));
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success)
      throw new AuthenticationError(
        `the token's claims are not valid: ${claims.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
      );
    const known = [...new Set(claims.data.roles.filter(isRole))];
    const foreign = known.filter((role) => ROLE_AGENCY[role] !== 'any' && !issuer.agencies.includes(ROLE_AGENCY[role] as Agency));
    if (foreign.length > 0) throw new AuthenticationError(`issuer ${issuer.issuer} does not speak for the agency of ${foreign.join(', ')}`);
    if (known.includes('hospital') && claims.data.hospital === undefined)
      throw new AuthenticationError('a hospital token must carry its hospital claim');
    return {
      issuer: issuer.issuer,
      subject: claims.data.sub,
      roles: known as Role[],
      ...(claims.data.hospital !== undefined ? { hospital: claims.data.hospital } : {}),
      ...(claims.data.regions !== undefined ? { regions: claims.data.regions } : {}),
      expiresAt: payload.exp as number,
    };
  }
}

/** What a refusal by jose says, without echoing the token. */
function rejection(error: unknown, audience: string): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return `the token is not for ${audience}`;
    if (error.claim === 'nbf') return 'the token is not valid yet';
    return `the token's ${error.claim} claim is not valid (${error.reason})`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return `the token must be signed with ${ACCEPTED_ALGORITHMS.join(' or ')}`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the signature of the token does not verify';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key of the issuer matches the token';
  if (error instanceof errors.JOSEError) return `the token is not valid (${error.code})`;
  return 'the token is not valid';
}
