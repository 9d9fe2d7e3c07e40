import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClaimDto } from '@msb/contracts';
import {
  ALL_ROLES,
  applyStep,
  asHospital,
  HttpResult,
  agencyEnv,
  IdMap,
  loadScenario,
  localIssuer,
  mintLocalToken,
  mapStep,
  randomTag,
  repoRoot,
  SERVICE_NAMES,
  ServiceClient,
  ServiceName,
  TestSystem,
} from '@msb/testing';
import { base64url, generateKeyPair, SignJWT } from 'jose';
import { Client } from 'pg';

/**
 * Who may do what, on every route the running services serve: the routes come from each
 * service's router (GET /routes), not from the declarations, so that a route nobody declared
 * fails here. Every route is tried without a token, with a malformed, an expired, a foreign
 * (unknown key), an unsigned (`alg: none`) and a wrong-audience token, and with a role it
 * does not allow; hospitals try another hospital's claim and officers another region. None
 * of it may change anything. Reads of personal data land in each service's access log.
 */
interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
}
interface RouteEntry {
  method: string;
  path: string;
}
type Access = 'public' | string[];

const { issuer: LOCAL_ISSUER, privateKeyFile } = localIssuer();
const LOCAL_KID = (JSON.parse(readFileSync(privateKeyFile, 'utf8')) as { kid: string }).kid;
const MALFORMED_BODY = '{"claimId": ';

function expectProblem(r: HttpResult<unknown>, status: number, what: string): void {
  expect({ what, status: r.status }).toEqual({ what, status });
  expect(r.contentType).toContain('application/problem+json');
  expect(r.body as Problem).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
}

function expect401(r: HttpResult<unknown>, what: string, description?: RegExp): void {
  expectProblem(r, 401, what);
  expect(r.headers['www-authenticate']).toMatch(/^Bearer realm="[a-z-]+"/);
  if (description)
    expect({ what, challenge: r.headers['www-authenticate'] }).toEqual({ what, challenge: expect.stringMatching(description) });
}

describe('authorization on every route', () => {
  let system: TestSystem;
  const ids = new IdMap(randomTag());
  let good: ClaimDto;
  let grantId = '';
  let region = '';
  const year = 2023;
  /** Another designated hospital of the region: what it may not do to the scenario's claim is not for want of registration. */
  const OTHER_HOSPITAL = ids.hospital('H-OTHER');
  const tokensUsed = new Set<string>();

  const client = (service: ServiceName): ServiceClient => system.client(service);
  /** A call with exactly this Authorization (none when undefined). */
  const call = (service: ServiceName, method: string, path: string, token: string | undefined, body?: unknown) => {
    if (token) tokensUsed.add(token);
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    if (typeof body === 'string') headers['content-type'] = 'application/json';
    return client(service).anonymous().request(method, path, body, headers);
  };
  const mint = async (options: Parameters<typeof mintLocalToken>[0]) => {
    const token = await mintLocalToken(options);
    tokensUsed.add(token);
    return token;
  };
  const identityFor = (role: string) => (role === 'hospital' ? { role, hospital: good.hospital.id } : { role });

  /** A concrete request for a route: its parameters filled from the seeded facts. */
  function concrete(route: RouteEntry): string {
    const values: Record<string, string> = {
      claimId: good.claimId,
      personId: good.personId,
      region,
      year: String(year),
      grantId,
      hospitalId: good.hospital.id,
    };
    let path = route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => values[name] ?? 'X1');
    if (route.method === 'GET' && (route.path === '/eligibility' || route.path === '/access-log')) path += `?personId=${good.personId}`;
    // the proofs are asked of the first entry and the first checkpoint's tree (footprint() takes one)
    if (route.path === '/proofs/inclusion') path += '?index=0&size=1';
    if (route.path === '/proofs/consistency') path += '?from=1&to=1';
    return path;
  }

  async function routerTable(service: ServiceName): Promise<RouteEntry[]> {
    const r = await client(service).as('operator').get<{ routes: RouteEntry[] }>('/routes');
    expect(r.status).toBe(200);
    return r.body.routes;
  }

  async function declared(service: ServiceName): Promise<Map<string, Access>> {
    const doc = await client(service).anonymous().get<{ paths: Record<string, Record<string, { 'x-roles': Access }>> }>('/docs');
    expect(doc.status).toBe(200);
    const out = new Map<string, Access>();
    for (const [path, methods] of Object.entries(doc.body.paths))
      for (const [method, op] of Object.entries(methods))
        out.set(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, op['x-roles']);
    return out;
  }

  /** What no refused request may move: messages published and consumed, the slip, grants, ledgers, policies, catalogues, the hospital's record. */
  async function footprint() {
    await system.caughtUp();
    // audit publishes a signed checkpoint a few seconds after its log grows: take it now, so that it is not counted as a move
    expect((await client('audit').as('auditor').post('/checkpoints')).status).toBe(200);
    await system.caughtUp();
    const statuses = await Promise.all(
      SERVICE_NAMES.map((s) => client(s).as('operator').get<{ published: number; consumed: number }>('/status')),
    );
    const ledger = `/ledgers/${region}/${good.personId}/${year}`;
    const policy = `/policies/${region}/${year}`;
    return {
      published: statuses.map((s) => s.body.published),
      consumed: statuses.map((s) => s.body.consumed),
      slip: (await client('basic-insurance').get(`/claims/${good.claimId}`)).body,
      grants: (await client('medical-assistance').get(`/eligibility?personId=${good.personId}`)).body,
      ledgers: await Promise.all(
        ['basic-insurance', 'critical-illness', 'medical-assistance'].map(async (s) => (await client(s as ServiceName).get(ledger)).body),
      ),
      policies: await Promise.all(
        ['basic-insurance', 'critical-illness', 'medical-assistance'].map(
          async (s) => (await client(s as ServiceName).get<{ revision: number }>(policy)).body.revision,
        ),
      ),
      catalogues: await Promise.all(
        ['basic-insurance', 'critical-illness'].map(
          async (s) => (await client(s as ServiceName).get<{ revision: number }>(`/catalogue/${region}/${year}`)).body.revision,
        ),
      ),
      hospital: (await client('basic-insurance').get<{ revision: number }>(`/hospitals/${good.hospital.id}`)).body.revision,
    };
  }

  const accessLogs = () =>
    Promise.all(
      SERVICE_NAMES.map(
        async (s) => (await client(s).as('auditor').get<{ entries: unknown[] }>(`/access-log?personId=${good.personId}`)).body.entries,
      ),
    );

  beforeAll(async () => {
    system = await TestSystem.start();
    const scenario = loadScenario('low-income-margin-assistance.json');
    for (const step of scenario.steps) {
      const mapped = mapStep(step, ids);
      await applyStep(system.clients, mapped);
      if (mapped.op === 'submitClaim' && !good) good = mapped.claim;
      if (mapped.op === 'grantEligibility' && !grantId) grantId = mapped.grantId;
    }
    region = ids.region('500112');
    await applyStep(system.clients, {
      op: 'putHospital',
      hospitalId: OTHER_HOSPITAL,
      hospital: { name: 'Other Hospital', level: 2, region, designated: true },
    });
    // the 大病 contract and a year-end settlement, so that their GET routes have something to show
    const contract = {
      insured: 1000,
      perCapitaBasicFunding: '800.00',
      fundingRate: '0.05',
      operatingCostRate: '0.08',
      profitCapRate: '0.05',
      policyLossShareOfBasic: '0.5',
    };
    expect((await system.clients.criticalIllness.put(`/contracts/${region}/${year}`, contract)).status).toBe(200);
    expect((await system.clients.criticalIllness.post(`/settlements/${region}/${year}`, {})).status).toBe(201);
    await system.caughtUp();
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
  }, 120_000);

  it('every route the routers serve declares who may call it', async () => {
    for (const service of SERVICE_NAMES) {
      const rules = await declared(service);
      const routes = await routerTable(service);
      expect(routes.length).toBeGreaterThan(5);
      const undeclared = routes.filter((r) => !rules.has(`${r.method === 'HEAD' ? 'GET' : r.method} ${r.path}`));
      expect({ service, undeclared }).toEqual({ service, undeclared: [] });
      // and nothing is declared that the router does not serve
      const served = new Set(routes.map((r) => `${r.method} ${r.path}`));
      expect({ service, unserved: [...rules.keys()].filter((k) => !served.has(k)) }).toEqual({ service, unserved: [] });
    }
  }, 60_000);

  it('refuses every route without a valid token or the right role, before reading the body, and changes nothing', async () => {
    const before = await footprint();
    const logsBefore = await accessLogs();
    const stranger = await generateKeyPair('EdDSA');
    let tried = 0;

    for (const service of SERVICE_NAMES) {
      const rules = await declared(service);
      const audience = [service];
      for (const route of await routerTable(service)) {
        if (route.method === 'HEAD') continue;
        const access = rules.get(`${route.method} ${route.path}`)!;
        const path = concrete(route);
        const body = route.method === 'GET' ? undefined : MALFORMED_BODY;
        const what = `${service} ${route.method} ${route.path}`;
        if (access === 'public') {
          expect({ what, status: (await call(service, route.method, path, undefined)).status }).toEqual({ what, status: 200 });
          continue;
        }
        const role = access[0];
        const payload = {
          iss: LOCAL_ISSUER,
          aud: audience,
          sub: 'intruder',
          roles: [role],
          ...(role === 'hospital' ? { hospital: good.hospital.id } : {}),
          exp: Math.floor(Date.now() / 1000) + 600,
        };
        const unsigned = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url.encode(JSON.stringify(payload))}.`;
        const foreign = await new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', kid: LOCAL_KID }).sign(stranger.privateKey);
        const expired = await mint({ ...identityFor(role), expiresAt: Math.floor(Date.now() / 1000) - 3600 });
        const otherAudience = await mint({ ...identityFor(role), audience: SERVICE_NAMES.filter((s) => s !== service) });

        expect401(await call(service, route.method, path, undefined, body), `${what} without a token`);
        expect((await call(service, route.method, path, undefined, body)).headers['www-authenticate']).not.toMatch(/error=/);
        expect401(await call(service, route.method, path, 'not-a-jwt', body), `${what} with a malformed token`, /invalid_token/);
        expect401(await call(service, route.method, path, expired, body), `${what} expired`, /expired/);
        expect401(await call(service, route.method, path, foreign, body), `${what} signed by an unknown key`, /signature/);
        expect401(await call(service, route.method, path, unsigned, body), `${what} with alg none`, /ES256 or EdDSA/);
        expect401(await call(service, route.method, path, otherAudience, body), `${what} for another audience`, /not for/);
        const wrongRole = ALL_ROLES.find((r) => !access.includes(r))!;
        // a valid token for this service, in a role the route does not allow
        const refused = await call(service, route.method, path, await mint({ ...identityFor(wrongRole), audience }), body);
        expectProblem(refused, 403, `${what} as ${wrongRole}`);
        tried += 8;
      }
    }
    expect(tried).toBeGreaterThan(200);

    // another hospital: reads of its claim answer 404 (nothing leaks), writes 403
    const other = asHospital(system.clients, OTHER_HOSPITAL);
    const owner = asHospital(system.clients, good.hospital.id);
    const asOther = { ...good, hospital: { ...good.hospital, id: OTHER_HOSPITAL } };
    expectProblem(await other.get(`/claims/${good.claimId}`), 404, 'another hospital reads the slip');
    expectProblem(await other.get('/claims/NO-SUCH-CLAIM'), 404, 'another hospital reads an unknown slip');
    expectProblem(await other.put(`/claims/${good.claimId}`, asOther), 403, 'another hospital corrects the claim');
    expectProblem(await other.put(`/claims/${good.claimId}`, good), 403, "a hospital corrects in another hospital's name");
    expectProblem(await other.post(`/claims/${good.claimId}/reversal`, { reason: 'mine now' }), 403, 'another hospital reverses the claim');
    expectProblem(await other.post('/claims', asOther), 403, "another hospital submits under the claim's id");
    expectProblem(
      await other.post('/claims', { ...good, claimId: `NEW-${ids.tag}` }),
      403,
      "a hospital submits in another hospital's name",
    );
    expectProblem(
      await owner.post('/claims', { ...asOther, claimId: `NEW2-${ids.tag}` }),
      403,
      "the owner submits in another hospital's name",
    );
    // an officer outside its regions: nothing of another region, whether it names the region or not
    const elsewhere = { regions: ['999999'] };
    const basicOfficer = client('basic-insurance').as({ role: 'basic-officer', ...elsewhere });
    expectProblem(await basicOfficer.get(`/claims/${good.claimId}`), 404, 'a basic officer of another region reads the slip');
    expectProblem(
      await basicOfficer.get(`/ledgers/${region}/${good.personId}/${year}`),
      403,
      'a basic officer of another region reads the ledger',
    );
    const currentPolicy = (await client('basic-insurance').get<{ policy: unknown }>(`/policies/${region}/${year}`)).body.policy;
    expectProblem(
      await basicOfficer.put(`/policies/${region}/${year}`, currentPolicy),
      403,
      'a basic officer of another region writes its policy',
    );
    const currentCatalogue = (await client('basic-insurance').get<{ catalogue: unknown }>(`/catalogue/${region}/${year}`)).body.catalogue;
    expectProblem(
      await basicOfficer.put(`/catalogue/${region}/${year}`, currentCatalogue),
      403,
      'a basic officer of another region writes its catalogue',
    );
    const {
      revision: _r,
      recordedAt: _at,
      hospitalId: _id,
      ...record
    } = (await client('basic-insurance').get<Record<string, unknown>>(`/hospitals/${good.hospital.id}`)).body;
    expectProblem(
      await basicOfficer.put(`/hospitals/${good.hospital.id}`, record),
      403,
      "a basic officer of another region writes the region's hospital",
    );
    expectProblem(
      await basicOfficer.put(`/hospitals/${good.hospital.id}`, { ...record, region: '999999' }),
      403,
      "a basic officer of another region moves the region's hospital into its own",
    );
    const insurerOfficer = client('critical-illness').as({ role: 'insurer-officer', ...elsewhere });
    const currentCiCatalogue = (await client('critical-illness').get<{ catalogue: unknown }>(`/catalogue/${region}/${year}`)).body
      .catalogue;
    expectProblem(
      await insurerOfficer.put(`/catalogue/${region}/${year}`, currentCiCatalogue),
      403,
      "an insurer officer of another region writes 大病's catalogue",
    );
    expectProblem(
      await insurerOfficer.get(`/reports/fund/${region}/${year}`),
      403,
      'an insurer officer of another region reads the fund report',
    );
    expectProblem(
      await insurerOfficer.get(`/ledgers/${region}/${good.personId}/${year}`),
      403,
      'an insurer officer of another region reads the ledger',
    );
    const assistanceOfficer = client('medical-assistance').as({ role: 'civil-affairs-officer', ...elsewhere });
    expectProblem(
      await assistanceOfficer.get(`/ledgers/${region}/${good.personId}/${year}`),
      403,
      'an assistance officer of another region reads the ledger',
    );

    // nothing moved, and no refused read was recorded as a read
    expect(await accessLogs()).toEqual(logsBefore);
    expect(await footprint()).toEqual(before);
  }, 300_000);

  it('lets the right role through on every route it reads with', async () => {
    const known = new Set(['claimId', 'personId', 'region', 'year', 'grantId', 'hospitalId']);
    let tried = 0;
    for (const service of SERVICE_NAMES) {
      const rules = await declared(service);
      for (const route of await routerTable(service)) {
        const access = rules.get(`${route.method === 'HEAD' ? 'GET' : route.method} ${route.path}`)!;
        if (route.method !== 'GET' || access === 'public') continue;
        // a route whose parameters the seeded facts fill must answer; any other must at least let the role in
        const filled = [...route.path.matchAll(/:([A-Za-z]+)/g)].every((m) => known.has(m[1]));
        for (const role of access) {
          // a token for the service called: what is tried is the role (a hospital's usual token is not for audit, whose summary it may read)
          const r = await call(service, 'GET', concrete(route), await mint({ ...identityFor(role), audience: [service] }));
          const what = `${service} ${route.path} as ${role}`;
          if (filled) expect({ what, status: r.status }).toEqual({ what, status: 200 });
          else expect({ what, refused: r.status === 401 || r.status === 403 }).toEqual({ what, refused: false });
          tried += 1;
        }
      }
    }
    expect(tried).toBeGreaterThan(20);
  }, 120_000);

  it('records who read which personal data, when, on each service, for auditors only, and never lets the record be changed', async () => {
    const seen = await accessLogs();
    await asHospital(system.clients, good.hospital.id).get(`/claims/${good.claimId}`);
    await client('critical-illness').get(`/ledgers/${region}/${good.personId}/${year}`);
    await client('medical-assistance').get(`/eligibility?personId=${good.personId}`);
    await client('audit').get(`/claims/${good.claimId}/history`);
    const entries = async (service: ServiceName) => {
      const r = await client(service)
        .as('auditor')
        .get<{ personId: string; entries: Record<string, unknown>[] }>(`/access-log?personId=${good.personId}`);
      expect(r.status).toBe(200);
      expect(r.body.personId).toBe(good.personId);
      return r.body.entries.slice(seen[SERVICE_NAMES.indexOf(service)].length);
    };
    const entry = (role: string, subject: string, action: string, resource: string) => ({
      at: expect.any(String),
      issuer: LOCAL_ISSUER,
      subject,
      role,
      action,
      resource,
      correlationId: expect.any(String),
    });
    expect(await entries('basic-insurance')).toEqual([
      entry('hospital', `local:hospital:${good.hospital.id}`, 'GET /claims/:claimId', `claim:${good.claimId}`),
    ]);
    expect(await entries('critical-illness')).toEqual([
      entry(
        'insurer-officer',
        'local:insurer-officer',
        'GET /ledgers/:region/:personId/:year',
        `ledger:${region}/${good.personId}/${year}`,
      ),
    ]);
    expect(await entries('medical-assistance')).toEqual([
      entry('civil-affairs-officer', 'local:civil-affairs-officer', 'GET /eligibility', `grants:${good.personId}`),
    ]);
    expect(await entries('audit')).toEqual([
      entry('auditor', 'local:auditor', 'GET /claims/:claimId/history', `claim-history:${good.claimId}`),
    ]);

    // only auditors read it; a person is required
    expectProblem(
      await client('basic-insurance').get(`/access-log?personId=${good.personId}`),
      403,
      'a basic officer reads the access log',
    );
    expectProblem(await client('basic-insurance').as('auditor').get('/access-log'), 400, 'the access log without a person');

    // append-only in the database itself
    const db = new Client({ connectionString: system.databaseUrl('basic-insurance') });
    await db.connect();
    try {
      await expect(db.query("UPDATE access_log SET subject = 'nobody'")).rejects.toThrow(/append-only/);
      await expect(db.query('DELETE FROM access_log')).rejects.toThrow(/append-only/);
      await expect(db.query('TRUNCATE access_log')).rejects.toThrow(/append-only/);
    } finally {
      await db.end();
    }
  }, 120_000);

  it('issues a working token on one line from npm run -s token, and no token ever reaches a log', async () => {
    const cli = spawnSync(
      process.execPath,
      [join(repoRoot(), 'tools/token.js'), '--role', 'hospital', '--hospital', good.hospital.id, '--ttl', '120'],
      {
        encoding: 'utf8',
      },
    );
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const token = cli.stdout.trim();
    tokensUsed.add(token);
    expect((await call('basic-insurance', 'GET', `/claims/${good.claimId}`, token)).status).toBe(200);
    expect((await call('audit', 'GET', `/claims/${good.claimId}/history`, token)).status).toBe(401); // not its audience
    expect((await call('critical-illness', 'GET', `/reports/fund/${region}/${year}`, token)).status).toBe(403); // its audience, not its role
    const bad = spawnSync(process.execPath, [join(repoRoot(), 'tools/token.js'), '--role', 'hospital'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');

    for (const role of ALL_ROLES) tokensUsed.add(await system.tokens.token(identityFor(role)));
    const logs = readdirSync(system.logDir).map((f) => readFileSync(join(system.logDir, f), 'utf8'));
    expect(logs.join('').length).toBeGreaterThan(0);
    const leaked = [...tokensUsed].filter((t) => logs.some((log) => log.includes(t.split('.')[2] || t.split('.')[1])));
    expect(leaked).toEqual([]);
  }, 60_000);

  it('a service without AUTH_TRUSTED_ISSUERS does not start', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...agencyEnv('basic-insurance'),
      PORT: '65000',
      DATABASE_NAME: `${system.databaseName('basic-insurance')}_never`,
    };
    delete env.AUTH_TRUSTED_ISSUERS;
    const child = spawn(
      process.execPath,
      ['-r', join(repoRoot(), 'tools/register-paths.js'), join(repoRoot(), 'dist/apps/basic-insurance/src/main.js')],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('AUTH_TRUSTED_ISSUERS: is required');
  }, 30_000);
});
