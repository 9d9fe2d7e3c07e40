import { join } from 'node:path';
import { repoRoot } from './repo-root.path';

/** Whom a client speaks for: a role, a hospital's id, an officer's regions. */
export interface Identity {
  role: string;
  hospital?: string;
  regions?: string[];
  /** The services the token is for (default: those the role acts on). */
  audience?: string[];
  subject?: string;
}

/** Bearer tokens for identities. */
export interface TokenSource {
  token(identity: Identity): Promise<string>;
}

export interface LocalIssuer {
  issuer: string;
  dir: string;
  privateKeyFile: string;
  trustedIssuersFile: string;
  /** Services that call other agencies: their own issuer and key file. */
  services: Record<string, { issuer: string; keyFile: string }>;
}

interface IssuerModule {
  ensureLocalIssuer: () => LocalIssuer;
  mintToken: (options: {
    role?: string;
    roles?: string[];
    hospital?: string;
    regions?: string[];
    audience?: string[];
    subject?: string;
    ttl?: number;
    expiresAt?: number;
  }) => Promise<string>;
  LOCAL_ISSUER: string;
  ROLES: string[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const issuerModule = (): IssuerModule => require(join(repoRoot(), 'deploy/local/issuer.js')) as IssuerModule;

/** The local issuer (deploy/local/issuer.js), made if missing: its key, JWKS and trusted-issuers file. */
export function localIssuer(): LocalIssuer {
  return issuerModule().ensureLocalIssuer();
}

/** One token from the local issuer, e.g. an expired one (`expiresAt` in the past) or one for another audience. */
export function mintLocalToken(options: Parameters<IssuerModule['mintToken']>[0]): Promise<string> {
  return issuerModule().mintToken(options);
}

export const ALL_ROLES = [
  'hospital',
  'basic-officer',
  'insurer-officer',
  'civil-affairs-officer',
  'auditor',
  'operator',
  'monitor',
] as const;

/** One token someone was given (e.g. by their agency's issuer), whatever the identity asked. */
export function givenToken(token: string): TokenSource {
  return { token: async () => token };
}

/** Tokens from the local issuer, each kept until a minute before it expires. */
export function localTokens(ttlSeconds = 3600): TokenSource {
  const cache = new Map<string, { token: Promise<string>; renewAt: number }>();
  return {
    token(identity) {
      const key = JSON.stringify([identity.role, identity.hospital, identity.regions, identity.audience, identity.subject]);
      const hit = cache.get(key);
      if (hit && Date.now() < hit.renewAt) return hit.token;
      const token = mintLocalToken({ ...identity, ttl: ttlSeconds });
      cache.set(key, { token, renewAt: Date.now() + (ttlSeconds - 60) * 1000 });
      token.catch(() => cache.delete(key));
      return token;
    },
  };
}
