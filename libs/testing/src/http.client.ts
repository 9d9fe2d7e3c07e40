/** A small JSON client for the services' HTTP API (tests, demo, benchmarks, the audit CLI). */
export interface HttpResult<T = unknown> {
  status: number;
  body: T;
  contentType: string;
}

export class ServiceClient {
  constructor(readonly baseUrl: string) {}

  async request<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
          body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
          signal: AbortSignal.timeout(30000),
        });
        const text = await res.text();
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          /* not JSON */
        }
        return { status: res.status, body: parsed as T, contentType: res.headers.get('content-type') ?? '' };
      } catch (error) {
        // a service restarting (fault tests) refuses connections for a moment
        if (attempt >= 5 || !/ECONNREFUSED|ECONNRESET|fetch failed|other side closed/i.test(String((error as Error).cause ?? error)))
          throw error;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }

  get<T = unknown>(path: string) {
    return this.request<T>('GET', path);
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

export function systemClients(
  ports = { basic: 3001, criticalIllness: 3002, assistance: 3003, audit: 3004 },
  host = '127.0.0.1',
): SystemClients {
  return {
    basic: new ServiceClient(`http://${host}:${ports.basic}`),
    criticalIllness: new ServiceClient(`http://${host}:${ports.criticalIllness}`),
    assistance: new ServiceClient(`http://${host}:${ports.assistance}`),
    audit: new ServiceClient(`http://${host}:${ports.audit}`),
  };
}

export interface StatusBody {
  consumerLag: number;
  outboxPending: number;
  parked: number;
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
    const statuses = await Promise.all(clients.map((c) => c.get<StatusBody>('/status').catch(() => ({ status: 0, body: undefined }))));
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
