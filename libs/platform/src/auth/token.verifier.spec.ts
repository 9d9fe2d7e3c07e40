import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64url, createLocalJWKSet, exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { ConfigError } from '../service.config';
import { AuthenticationError, loadTrustedIssuers, TokenVerifier, TrustedIssuer } from './token.verifier';

/** Real keys and real signatures: what a token verifier must accept and everything it must refuse. */
const ISSUER = 'https://idp.nhsa.example';
const INSURER = 'https://idp.insurer.example';
const AUDIENCE = 'basic-insurance';
const NOW = 1_800_000_000; // seconds

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
let bureau: KeyPair & { jwk: JWK };
let insurer: KeyPair & { jwk: JWK };
let stranger: KeyPair;
let verifier: TokenVerifier;

async function keyPair(alg: 'EdDSA' | 'ES256', kid: string) {
  const pair = await generateKeyPair(alg, { extractable: true });
  return { ...pair, jwk: { ...(await exportJWK(pair.publicKey)), kid, alg } };
}

function sign(key: KeyPair['privateKey'], claims: Record<string, unknown>, header: { alg: string; kid?: string } = { alg: 'EdDSA' }) {
  const jwt = new SignJWT(claims).setProtectedHeader(header);
  return jwt.sign(key);
}

const good = (over: Record<string, unknown> = {}) => ({
  iss: ISSUER,
  aud: AUDIENCE,
  sub: 'officer-7',
  exp: NOW + 600,
  iat: NOW - 10,
  roles: ['basic-officer'],
  ...over,
});

async function refusal(token: string | Promise<string>): Promise<string> {
  try {
    await verifier.verify(await token);
  } catch (e) {
    if (e instanceof AuthenticationError) return e.description;
    throw e;
  }
  throw new Error('the token was accepted');
}

beforeAll(async () => {
  bureau = await keyPair('EdDSA', 'bureau-1');
  insurer = await keyPair('ES256', 'insurer-1');
  stranger = await generateKeyPair('EdDSA');
  const issuers: TrustedIssuer[] = [
    { issuer: ISSUER, keys: createLocalJWKSet({ keys: [bureau.jwk] }), agencies: ['medical-insurance-bureau'] },
    { issuer: INSURER, keys: createLocalJWKSet({ keys: [insurer.jwk] }), agencies: ['insurer'] },
  ];
  verifier = new TokenVerifier(issuers, AUDIENCE, { now: () => NOW * 1000 });
});

describe('TokenVerifier', () => {
  it('accepts an EdDSA token of a trusted issuer for this audience and reads its principal', async () => {
    const token = await sign(bureau.privateKey, good({ regions: ['440300'] }), { alg: 'EdDSA', kid: 'bureau-1' });
    expect(await verifier.verify(token)).toEqual({
      issuer: ISSUER,
      subject: 'officer-7',
      roles: ['basic-officer'],
      regions: ['440300'],
      expiresAt: NOW + 600,
    });
  });

  it('accepts ES256 and a token for several audiences', async () => {
    const token = await sign(insurer.privateKey, good({ iss: INSURER, aud: ['critical-illness', AUDIENCE], roles: ['insurer-officer'] }), {
      alg: 'ES256',
    });
    expect((await verifier.verify(token)).roles).toEqual(['insurer-officer']);
  });

  it('reads a hospital token with its hospital', async () => {
    const token = await sign(bureau.privateKey, good({ roles: ['hospital'], hospital: 'H-17' }));
    expect(await verifier.verify(token)).toMatchObject({ roles: ['hospital'], hospital: 'H-17' });
  });

  it('refuses an expired token, and one not valid yet', async () => {
    expect(await refusal(sign(bureau.privateKey, good({ exp: NOW - 60 })))).toBe('the token has expired');
    expect(await refusal(sign(bureau.privateKey, good({ nbf: NOW + 60 })))).toBe('the token is not valid yet');
  });

  it('refuses a token for another audience, from an unknown issuer, or without exp or sub', async () => {
    expect(await refusal(sign(bureau.privateKey, good({ aud: 'audit' })))).toBe('the token is not for basic-insurance');
    expect(await refusal(sign(bureau.privateKey, good({ iss: 'https://evil.example' })))).toContain('is not trusted here');
    expect(await refusal(sign(bureau.privateKey, good({ exp: undefined })))).toContain('exp');
    expect(await refusal(sign(bureau.privateKey, good({ sub: undefined })))).toContain('sub');
  });

  it('refuses a signature by a key the issuer does not have, and one key of the issuer for another', async () => {
    expect(await refusal(sign(stranger.privateKey, good()))).toBe('the signature of the token does not verify');
    expect(await refusal(sign(stranger.privateKey, good(), { alg: 'EdDSA', kid: 'bureau-1' }))).toBe(
      'the signature of the token does not verify',
    );
    // the insurer's key does not sign for the bureau
    expect(await refusal(sign(insurer.privateKey, good(), { alg: 'ES256' }))).toBe('no key of the issuer matches the token');
  });

  it('refuses alg none, HMAC keyed with the public key, and tokens that are not JWTs', async () => {
    const payload = base64url.encode(JSON.stringify(good()));
    const none = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${payload}.`;
    expect(await refusal(none)).toContain('signed with ES256 or EdDSA');
    const hmac = await new SignJWT(good()).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(JSON.stringify(bureau.jwk)));
    expect(await refusal(hmac)).toContain('signed with ES256 or EdDSA');
    expect(await refusal('not-a-token')).toBe('the token is not a JWT');
    const valid = await sign(bureau.privateKey, good());
    const [h, , s] = valid.split('.');
    expect(await refusal(`${h}.${base64url.encode(JSON.stringify(good({ roles: ['auditor'] })))}.${s}`)).toBe(
      'the signature of the token does not verify',
    );
  });

  it('refuses roles its issuer does not speak for, a hospital without its hospital, and malformed claims', async () => {
    expect(await refusal(sign(bureau.privateKey, good({ roles: ['auditor'] })))).toBe(
      `issuer ${ISSUER} does not speak for the agency of auditor`,
    );
    expect(
      await refusal(sign(insurer.privateKey, good({ iss: INSURER, roles: ['hospital'], hospital: 'H1' }), { alg: 'ES256' })),
    ).toContain('does not speak for the agency of hospital');
    expect(await refusal(sign(bureau.privateKey, good({ roles: ['hospital'] })))).toBe('a hospital token must carry its hospital claim');
    expect(await refusal(sign(bureau.privateKey, good({ roles: 'basic-officer' })))).toContain('roles');
    expect(await refusal(sign(bureau.privateKey, good({ roles: [] })))).toContain('roles');
    expect(await refusal(sign(bureau.privateKey, good({ regions: 'all' })))).toContain('regions');
    expect(await refusal(sign(bureau.privateKey, good({ regions: ['44:03'] })))).toContain('regions');
  });

  it('lets any trusted issuer name an operator, and keeps only the roles it knows', async () => {
    const token = await sign(insurer.privateKey, good({ iss: INSURER, roles: ['operator', 'payroll-admin'] }), { alg: 'ES256' });
    expect((await verifier.verify(token)).roles).toEqual(['operator']);
  });

  it('checks a signature once per token, but never keeps a token past its expiry', async () => {
    let now = NOW * 1000;
    const issuers: TrustedIssuer[] = [
      { issuer: ISSUER, keys: createLocalJWKSet({ keys: [bureau.jwk] }), agencies: ['medical-insurance-bureau'] },
    ];
    const clocked = new TokenVerifier(issuers, AUDIENCE, { now: () => now, clockToleranceSeconds: 0 });
    const token = await sign(bureau.privateKey, good({ exp: NOW + 30 }));
    expect((await clocked.verify(token)).subject).toBe('officer-7');
    now += 29_000;
    expect((await clocked.verify(token)).subject).toBe('officer-7');
    now += 2_000;
    await expect(clocked.verify(token)).rejects.toThrow('the token has expired');
  });
});

describe('loadTrustedIssuers', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'issuers-'));
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [bureau.jwk] }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const file = (content: unknown) => {
    const path = join(dir, `issuers-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const problems = (env: NodeJS.ProcessEnv): string[] => {
    try {
      loadTrustedIssuers(env);
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
    throw new Error('loaded');
  };

  it('refuses to go on without AUTH_TRUSTED_ISSUERS: there is no unchecked mode', () => {
    expect(problems({})).toEqual([expect.stringContaining('AUTH_TRUSTED_ISSUERS: is required')]);
  });

  it('loads issuers with a JWKS file relative to the issuers file, and verifies with them', async () => {
    const issuers = loadTrustedIssuers({
      AUTH_TRUSTED_ISSUERS: file([{ issuer: ISSUER, jwks: 'jwks.json', agencies: ['medical-insurance-bureau'] }]),
    });
    const loaded = new TokenVerifier(issuers, AUDIENCE, { now: () => NOW * 1000 });
    expect((await loaded.verify(await sign(bureau.privateKey, good()))).issuer).toBe(ISSUER);
  });

  it('names every problem of a bad file', () => {
    expect(problems({ AUTH_TRUSTED_ISSUERS: join(dir, 'missing.json') })).toEqual([expect.stringContaining('cannot be read as JSON')]);
    expect(problems({ AUTH_TRUSTED_ISSUERS: file([]) })).toEqual([expect.stringContaining('at least one trusted issuer')]);
    expect(
      problems({
        AUTH_TRUSTED_ISSUERS: file([
          { issuer: ISSUER, jwks: 'jwks.json', agencies: ['the-moon'] },
          { issuer: INSURER, jwks: 'jwks.json', agencies: [] },
        ]),
      }),
    ).toEqual([expect.stringContaining('/0/agencies/0'), expect.stringContaining('at least one agency')]);
    expect(
      problems({
        AUTH_TRUSTED_ISSUERS: file([
          { issuer: ISSUER, jwks: 'jwks.json', agencies: ['insurer'] },
          { issuer: ISSUER, jwks: 'jwks.json', agencies: ['audit'] },
        ]),
      }),
    ).toEqual([expect.stringContaining('listed twice')]);
    expect(
      problems({
        AUTH_TRUSTED_ISSUERS: file([
          { issuer: ISSUER, jwks: 'http://idp.example/jwks', agencies: ['audit'] },
          { issuer: INSURER, jwks: 'nowhere.json', agencies: ['insurer'] },
        ]),
      }),
    ).toEqual([expect.stringContaining('over https'), expect.stringContaining('is not a JWKS file')]);
  });
});
