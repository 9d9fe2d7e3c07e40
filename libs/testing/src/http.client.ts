import { Identity, localTokens, TokenSource } from './token.source';

/** A small JSON client for the services' HTTP API (tests, demo, benchmarks, the audit CLI). */
export interface HttpResult<T = unknown> {
  status: number;
  body: T;
  contentType: string;
  headers: Record<string, string>;
}

/**
 * A client of one service that calls as one identity, with a bearer token from `tokens`
 * (none: no Authorization header). `as` gives the same service as another identity.
 */
export class ServiceClient {
  constructor(
    readonly baseUrl: string,
    private readonly auth: { tokens?: TokenSource; identity?: Identity } = {},
    private readonly timeoutMs = 30000,
  ) {}

  /** The same client, waiting up to `ms` for each answer (a long replay, a big report). */
  withTimeout(ms: number): ServiceClient {
    return new ServiceClient(this.baseUrl, this.auth, ms);
  }

  get identity(): Identity | undefined {
    return this.auth.identity;
  }

  /** The same service, called as `identity` (a role, or a role with a hospital, regions, audience). */
  as(identity: Identity | string): ServiceClient {
    if (!this.auth.tokens) throw new Error(`the client of ${this.baseUrl} has no token source`);
    return new ServiceClient(
      this.baseUrl,
      { tokens: this.auth.tokens, identity: typeof identity === 'string' ? { role: identity } : identity },
      this.timeoutMs,
    );
  }

  /** The same service, called without a token. */
  anonymous(): ServiceClient {
    return new ServiceClient(this.baseUrl, { tokens: this.auth.tokens }, this.timeoutMs);
  }

  async request<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
    const { tokens, identity } = this.auth;
    const given = Object.keys(headers).some((h) => h.toLowerCase() === 'authorization');
    const authorization: Record<string, string> =
      tokens && identity && !given ? { authorization: `Bearer ${await tokens.token(identity)}` } : {};
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...authorization, ...headers } as Record<
            string,
            string
          >,
          body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        const text = await res.text();
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          /* not JSON */
        }
        return {
          status: res.status,
          body: parsed as T,
          contentType: res.headers.get('content-type') ?? '',
          headers: Object.fromEntries(res.headers.entries()),
        };
      } catch (error) {
        // a service restarting (fault tests) refuses connections for a moment
        if (attempt >= 5 || !/ECONNREFUSED|ECONNRESET|fetch failed|other side closed/i.test(String((error as Error).cause ?? error)))
          throw error;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }

  get<T = unknown>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, headers);
  }
  post<T = unknown>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body, headers);
  }
  put<T = unknown>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PUT', path, body, headers);
  }
}

export interface SystemClients {
  basic: ServiceClient;
  criticalIllness: ServiceClient;
  assistance: ServiceClient;
  audit: ServiceClient;
}

/**
 * Whom each service's client speaks for unless told otherwise (`.as(...)`): the agency's
 * officer (policies and reads), the auditor on audit. Claims are written as their hospital.
 */
export const DEFAULT_ROLES: Record<keyof SystemClients, string> = {
  basic: 'basic-officer',
  criticalIllness: 'insurer-officer',
  assistance: 'civil-affairs-officer',
  audit: 'auditor',
};

export function systemClients(
  ports = { basic: 3001, criticalIllness: 3002, assistance: 3003, audit: 3004 },
  host = '127.0.0.1',
  tokens: TokenSource = localTokens(),
): SystemClients {
  const client = (name: keyof SystemClients) =>
    new ServiceClient(`http://${host}:${ports[name]}`, { tokens, identity: { role: DEFAULT_ROLES[name] } });
  return { basic: client('basic'), criticalIllness: client('criticalIllness'), assistance: client('assistance'), audit: client('audit') };
}

export interface StatusBody {
  consumerLag: number;
  outboxPending: number;
  parked: number;
  held?: number;
  deadLettered: number;
  recalculating?: number;
}

/**
 * Wait until every service has caught up: no consumer lag, an empty outbox, no running
 * recalculation, several times in a row (a message in flight between two services shows as
 * lag on one or outbox on the other, but both can look empty between two polls).
 */
export async function waitUntilCaughtUp(clients: ServiceClient[], timeoutMs = 120000, quietRounds = 3): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  let last = '';
  while (Date.now() < deadline) {
    const statuses = await Promise.all(
      clients.map((c) =>
        c
          .as('operator')
          .get<StatusBody>('/status')
          .catch(() => ({ status: 0, body: undefined })),
      ),
    );
    const busy = statuses.some(
      (s) => s.status !== 200 || !s.body || s.body.consumerLag > 0 || s.body.outboxPending > 0 || (s.body.recalculating ?? 0) > 0,
    );
    last = JSON.stringify(statuses.map((s) => s.body));
    quiet = busy ? 0 : quiet + 1;
    if (quiet >= quietRounds) return;
    await new Promise((r) => setTimeout(r, busy ? 100 : 150));
  }
  throw new Error(`the services did not catch up within ${timeoutMs} ms; last status: ${last}`);
}
