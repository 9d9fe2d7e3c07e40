import Fastify, { FastifyInstance } from 'fastify';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import pino from 'pino';
import type { RouteDoc } from '../openapi.document';
import { Caller, Principal } from './principal';
import { maySeeClaim } from './resource-access';
import { accessRules, authorize, installAuthentication, RouterTable } from './route-access';
import { TokenVerifier } from './token.verifier';

const route = (method: RouteDoc['method'], path: string, roles: RouteDoc['roles']): RouteDoc => ({
  method,
  path,
  summary: path,
  roles,
  responses: { 200: 'ok' },
});

const principal = (roles: Principal['roles'], more: Partial<Principal> = {}): Principal => ({
  issuer: 'i',
  subject: 's',
  roles,
  expiresAt: 0,
  ...more,
});

describe('route access rules', () => {
  it('holds one declaration per method and path, HEAD answered as GET', () => {
    const rules = accessRules([route('get', '/claims/:claimId', ['hospital']), route('get', '/health', 'public')]);
    expect(rules.get('GET /claims/:claimId')).toEqual(['hospital']);
    expect(rules.get('GET /health')).toBe('public');
    expect(() => accessRules([route('get', '/x', ['auditor']), route('get', '/x', ['operator'])])).toThrow('GET /x is declared twice');
    expect(() => accessRules([route('post', '/x', [])])).toThrow('declares no role');
  });

  it('lets a principal act in the first of its roles that the route allows, and refuses one with none', () => {
    expect(authorize(['hospital', 'basic-officer'], principal(['auditor', 'basic-officer']), 'GET /claims/:claimId')).toEqual({
      ok: true,
      role: 'basic-officer',
    });
    const refused = authorize(['auditor'], principal(['operator']), 'POST /verify');
    expect(refused).toMatchObject({ ok: false, problem: { status: 403, type: '/problems/forbidden' } });
    expect(authorize(undefined, principal(['operator']), 'GET /new')).toMatchObject({ ok: false, problem: { status: 403 } });
  });

  it('shows a hospital its own claims only, and an officer the claims of its regions', () => {
    const caller = (p: Principal, role: Caller['role']): Caller => ({ ...p, role });
    const claim = { hospitalId: 'H1', region: '440300' };
    expect(maySeeClaim(caller(principal(['hospital'], { hospital: 'H1' }), 'hospital'), claim)).toBe(true);
    expect(maySeeClaim(caller(principal(['hospital'], { hospital: 'H2' }), 'hospital'), claim)).toBe(false);
    // a hospital's token naming regions sees no more than its own claims
    expect(maySeeClaim(caller(principal(['hospital'], { hospital: 'H2', regions: ['440300'] }), 'hospital'), claim)).toBe(false);
    expect(maySeeClaim(caller(principal(['basic-officer']), 'basic-officer'), claim)).toBe(true);
    expect(maySeeClaim(caller(principal(['basic-officer'], { regions: ['440300', '610100'] }), 'basic-officer'), claim)).toBe(true);
    expect(maySeeClaim(caller(principal(['basic-officer'], { regions: ['610100'] }), 'basic-officer'), claim)).toBe(false);
    expect(maySeeClaim(caller(principal(['basic-officer'], { regions: [] }), 'basic-officer'), claim)).toBe(false);
  });
});

describe('installAuthentication on a real Fastify router', () => {
  let app: FastifyInstance;
  let token: (claims: Record<string, unknown>) => Promise<string>;
  const table: RouterTable = { routes: [] };
  const reached: string[] = [];

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA');
    const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), alg: 'EdDSA' }] });
    const verifier = new TokenVerifier([{ issuer: 'iss', keys, agencies: ['medical-insurance-bureau', 'audit'] }], 'svc');
    token = (claims) =>
      new SignJWT({ roles: ['basic-officer'], ...claims })
        .setProtectedHeader({ alg: 'EdDSA' })
        .setIssuer('iss')
        .setAudience('svc')
        .setSubject('u1')
        .setExpirationTime('5m')
        .sign(privateKey);
    app = Fastify();
    const rules = accessRules([
      route('get', '/health', 'public'),
      route('post', '/things', ['basic-officer']),
      route('get', '/things/:id', ['basic-officer', 'auditor']),
    ]);
    installAuthentication(app, { verifier, rules, realm: 'svc', log: pino({ level: 'silent' }), table });
    app.get('/health', async () => 'up');
    app.post('/things', async (request) => {
      reached.push('POST /things');
      return { body: request.body, caller: request.caller };
    });
    app.get('/things/:id', async (request) => ({ role: request.caller?.role }));
    app.get('/undeclared', async () => {
      reached.push('GET /undeclared');
      return 'leaked';
    });
    await app.ready();
  });

  afterAll(() => app.close());

  it('records the routes as the router registered them', () => {
    expect(table.routes).toEqual(
      expect.arrayContaining([
        { method: 'GET', path: '/health' },
        { method: 'HEAD', path: '/health' },
        { method: 'POST', path: '/things' },
        { method: 'GET', path: '/undeclared' },
      ]),
    );
  });

  it('leaves public routes open and answers 401 with a Bearer challenge before the body is parsed', async () => {
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    const none = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'application/json' },
      payload: '{"broken": ',
    });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="svc"');
    expect(none.headers['content-type']).toContain('application/problem+json');
    const bad = await app.inject({ method: 'POST', url: '/things', headers: { authorization: 'Bearer abc.def.ghi' }, payload: {} });
    expect(bad.statusCode).toBe(401);
    expect(bad.headers['www-authenticate']).toMatch(/^Bearer realm="svc", error="invalid_token", error_description=".+"$/);
    const basic = await app.inject({ method: 'GET', url: '/things/1', headers: { authorization: 'Basic dTpw' } });
    expect(basic.statusCode).toBe(401);
    expect(reached).toEqual([]);
  });

  it('answers 403 to a valid token without the role, and lets the right role through with its caller', async () => {
    const auditor = await token({ roles: ['auditor'] });
    const refused = await app.inject({ method: 'POST', url: '/things', headers: { authorization: `Bearer ${auditor}` }, payload: {} });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['www-authenticate']).toBeUndefined();
    expect((await app.inject({ method: 'GET', url: '/things/1', headers: { authorization: `Bearer ${auditor}` } })).json()).toEqual({
      role: 'auditor',
    });
    const officer = await token({ regions: ['440300'] });
    const ok = await app.inject({ method: 'POST', url: '/things', headers: { authorization: `Bearer ${officer}` }, payload: { a: 1 } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().caller).toMatchObject({ subject: 'u1', role: 'basic-officer', regions: ['440300'] });
    expect(reached).toEqual(['POST /things']);
  });

  it('refuses a route that declares no roles to everyone', async () => {
    const officer = await token({});
    expect((await app.inject({ method: 'GET', url: '/undeclared', headers: { authorization: `Bearer ${officer}` } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/undeclared' })).statusCode).toBe(401);
    expect(reached).not.toContain('GET /undeclared');
  });
});
