import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { RouteDoc } from '../openapi.document';
import { Problem, ProblemDetails, sendProblem } from '../problem.details';
import { Caller, Principal, Role } from './principal';
import { AuthenticationError, TokenVerifier } from './token.verifier';

/** Who may call a route: `public` (health, the OpenAPI document) or the roles that may. */
export type RouteAccess = 'public' | readonly Role[];

/** "GET /claims/:claimId" → who may call it; HEAD is answered as GET. */
export type AccessRules = ReadonlyMap<string, RouteAccess>;

export const routeKey = (method: string, path: string) => `${method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase()} ${path}`;

/** One declaration per route: two for the same method and path are a mistake, not a choice. */
export function accessRules(routes: readonly RouteDoc[]): AccessRules {
  const rules = new Map<string, RouteAccess>();
  for (const route of routes) {
    const key = routeKey(route.method, route.path);
    if (rules.has(key)) throw new Error(`${key} is declared twice`);
    if (route.roles !== 'public' && route.roles.length === 0) throw new Error(`${key} declares no role: nobody could call it`);
    rules.set(key, route.roles);
  }
  return rules;
}

export type Authorization = { ok: true; role: Role } | { ok: false; problem: ProblemDetails };

/** The role a principal acts in on a route: the first of its roles the route allows. */
export function authorize(access: RouteAccess | undefined, principal: Principal, route: string): Authorization {
  if (access === undefined) return { ok: false, problem: forbidden(`${route} declares no roles, so nobody may call it`) };
  if (access === 'public') return { ok: true, role: principal.roles[0] };
  const role = principal.roles.find((r) => access.includes(r));
  if (role === undefined)
    return {
      ok: false,
      problem: forbidden(
        `${route} is for ${access.join(', ')}; the token's role${principal.roles.length === 1 ? ' is' : 's are'} ${principal.roles.join(', ') || 'none known here'}`,
      ),
    };
  return { ok: true, role };
}

const forbidden = (detail: string): ProblemDetails => Problem.forbidden(detail).body;

/** RFC 6750 §3: error_description is printable ASCII without `"` and `\\`. */
const challengeText = (text: string) => text.replace(/[’‘]/g, "'").replace(/[^\x20-\x7e]|["\\]/g, "'");

function unauthorized(reply: FastifyReply, realm: string, description?: string): FastifyReply {
  // RFC 6750 §3: no error code when the request carried no token at all
  const challenge = description
    ? `Bearer realm="${realm}", error="invalid_token", error_description="${challengeText(description)}"`
    : `Bearer realm="${realm}"`;
  void reply.header('www-authenticate', challenge);
  sendProblem(reply, {
    type: '/problems/unauthorized',
    title: 'A valid bearer token is required',
    status: 401,
    detail: description ?? 'send Authorization: Bearer <token>',
  });
  return reply;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller, set before any route handler runs (absent on public routes). */
    caller: Caller | null;
  }
}

/** The routes the router holds, as it registered them (not as they are declared). */
export interface RouterTable {
  routes: { method: string; path: string }[];
}

/**
 * Authentication and route-level authorization for every request, in `onRequest`: before the
 * body is read or validated, so a refused request is answered 401/403 and nothing else runs.
 * A route that declares no roles is refused to everyone. Records what the router registers.
 */
export function installAuthentication(
  fastify: FastifyInstance,
  options: { verifier: TokenVerifier; rules: AccessRules; realm: string; log: Logger; table: RouterTable },
): void {
  const { table } = options;
  fastify.decorateRequest('caller', null);
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) table.routes.push({ method: String(method).toUpperCase(), path: route.url });
  });
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.routeOptions.url;
    if (path === undefined) return; // no such route: the router answers 404
    const key = routeKey(request.method, path);
    const access = options.rules.get(key);
    if (access === 'public') return;
    if (access === undefined) options.log.error({ route: key }, 'a route without declared roles was called; refused');
    const header = request.headers.authorization;
    if (header === undefined || header === '') return unauthorized(reply, options.realm);
    const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
    if (!match) return unauthorized(reply, options.realm, 'the Authorization header must be "Bearer <token>"');
    let principal: Principal;
    try {
      principal = await options.verifier.verify(match[1]);
    } catch (e) {
      if (e instanceof AuthenticationError) return unauthorized(reply, options.realm, e.description);
      options.log.warn({ err: { message: (e as Error).message } }, 'the issuer keys are not available');
      sendProblem(reply, {
        type: '/problems/unavailable',
        title: 'Service unavailable',
        status: 503,
        detail: 'the token cannot be verified at the moment; retry shortly',
      });
      return reply;
    }
    const decision = authorize(access, principal, key);
    if (!decision.ok) {
      sendProblem(reply, decision.problem);
      return reply;
    }
    request.caller = { ...principal, role: decision.role };
  });
}
