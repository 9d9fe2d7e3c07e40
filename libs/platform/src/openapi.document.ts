import { z } from 'zod';
import type { RouteAccess } from './auth/route-access';

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  /** Who may call it (the one declaration the authorization hook enforces): `public` or roles. */
  roles: RouteAccess;
  body?: z.ZodType;
  query?: Record<string, string>;
  responses: Record<number, string>;
}

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    requestId: { type: 'string', description: 'the request this answers (X-Request-Id)' },
    errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
  },
};

/** The query of every paginated list (page.cursor.ts). */
export const PAGE_QUERY: Record<string, string> = {
  limit: 'items per page, 1 to 500 (default 50)',
  cursor: "the previous page's nextCursor (opaque); none: the first page",
};

export const OPS_ROUTES: RouteDoc[] = [
  {
    method: 'get',
    path: '/health',
    summary: 'Liveness and readiness of the database and the Kafka connection',
    roles: 'public',
    responses: { 200: 'ready', 503: 'not ready' },
  },
  {
    method: 'get',
    path: '/health/live',
    summary: 'Liveness: the process is up and its event loop responsive (nothing external is asked); no personal data',
    roles: 'public',
    responses: { 200: '{ status: "live" }', 503: 'the event loop is stalled (a problem naming the check)' },
  },
  {
    method: 'get',
    path: '/health/ready',
    summary: 'Readiness: database reachable, outbox oldest row and consumer lag below their limits, consumers running; no personal data',
    roles: 'public',
    responses: { 200: '{ status: "ready" }', 503: 'not ready: a problem listing every check that failed' },
  },
  {
    method: 'get',
    path: '/status',
    summary: 'consumerLag, outboxPending, parked, held: zero lag and zero outbox means caught up',
    roles: ['operator'],
    responses: { 200: 'status' },
  },
  {
    method: 'get',
    path: '/metrics',
    summary:
      'Prometheus metrics (text exposition): claims settled, adjustments, consumer lag, outbox, dead letters, parked and held person-years',
    roles: ['operator', 'monitor'],
    responses: { 200: 'text/plain; version=0.0.4' },
  },
  {
    method: 'get',
    path: '/routes',
    summary: "The routes this instance's router serves, as registered (not as declared)",
    roles: ['operator'],
    responses: { 200: '{ routes: [{ method, path }] }' },
  },
  {
    method: 'get',
    path: '/access-log',
    summary: "Who read this person's personal data here (slips, ledgers, grants, claim histories): iss, sub, role, what, when",
    roles: ['auditor'],
    query: { personId: 'the person (required)', ...PAGE_QUERY, limit: 'entries per page, 1 to 500 (default 500)' },
    responses: {
      200: '{ personId, entries (oldest first), nextCursor }',
      400: 'personId missing, a bad limit or cursor (every problem listed)',
    },
  },
  { method: 'get', path: '/docs', summary: 'This OpenAPI document', roles: 'public', responses: { 200: 'OpenAPI 3.1' } },
];

/** An OpenAPI 3.1 document built from the routes and their zod schemas. */
export function buildOpenApi(title: string, description: string, port: number, routes: RouteDoc[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of [...routes, ...OPS_ROUTES]) {
    const openApiPath = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const params = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const query = Object.entries(route.query ?? {}).map(([name, description]) => ({
      name,
      in: 'query',
      required: false,
      description,
      schema: { type: 'string' },
    }));
    const responses: Record<string, unknown> = {};
    const refusals = route.roles === 'public' ? {} : { 401: 'no valid bearer token', 403: 'the token has no right to this' };
    for (const [code, text] of Object.entries({ ...refusals, ...route.responses })) {
      responses[code] =
        Number(code) >= 400
          ? { description: text, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }
          : { description: text, content: { 'application/json': {} } };
    }
    (paths[openApiPath] ??= {})[route.method] = {
      summary: route.summary,
      security: route.roles === 'public' ? [] : [{ bearer: [] }],
      'x-roles': route.roles === 'public' ? 'public' : [...route.roles],
      parameters: [...params, ...query],
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: z.toJSONSchema(route.body, { unrepresentable: 'any', io: 'input' }) } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title, description, version: '1.0.0' },
    servers: [{ url: `http://127.0.0.1:${port}` }],
    paths,
    components: {
      schemas: { Problem: problemSchema },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A JWT (ES256 or EdDSA) of a trusted issuer: iss, aud (this service), exp, sub, roles, hospital, regions',
        },
      },
    },
  };
}
