import { readFileSync } from 'node:fs';
import { Inject, Injectable } from '@nestjs/common';
import { importJWK, JWK, SignJWT } from 'jose';
import { RUNTIME, ServiceRuntime } from '@msb/platform';

export type DownstreamPayer = 'critical-illness' | 'medical-assistance';

/** A payer's answer to a preview, or why its part is missing (never guessed). */
export type PreviewPart<T> = { ok: true; value: T } | { ok: false; reason: string };

/** How long a service token lives; one is reused until it is half spent. */
const TOKEN_SECONDS = 60;

/**
 * basic-insurance asking 大病 and assistance for their parts of a preview (试算) over HTTP,
 * with its own service token (role `settlement-service`, signed with its own key: an issuer
 * that speaks for the medical-insurance bureau only), each call bounded by PREVIEW_TIMEOUT_MS.
 */
@Injectable()
export class PayerPreviewClient {
  private readonly tokens = new Map<DownstreamPayer, { value: string; renewAt: number }>();

  constructor(@Inject(RUNTIME) private readonly runtime: ServiceRuntime) {}

  private url(payer: DownstreamPayer): string | undefined {
    return payer === 'critical-illness' ? this.runtime.config.CRITICAL_ILLNESS_URL : this.runtime.config.MEDICAL_ASSISTANCE_URL;
  }

  private async tokenFor(payer: DownstreamPayer): Promise<string | undefined> {
    const { SERVICE_TOKEN_KEY_FILE: keyFile, SERVICE_TOKEN_ISSUER: issuer } = this.runtime.config;
    if (!keyFile || !issuer) return undefined;
    const now = Math.floor(Date.now() / 1000);
    const cached = this.tokens.get(payer);
    if (cached && cached.renewAt > now) return cached.value;
    const jwk = JSON.parse(readFileSync(keyFile, 'utf8')) as JWK & { kid?: string };
    const key = await importJWK(jwk, 'EdDSA');
    const value = await new SignJWT({ roles: ['settlement-service'] })
      .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setSubject('basic-insurance')
      .setAudience(payer)
      .setIssuedAt(now)
      .setExpirationTime(now + TOKEN_SECONDS)
      .sign(key);
    this.tokens.set(payer, { value, renewAt: now + TOKEN_SECONDS / 2 });
    return value;
  }

  /** POST /previews on a payer: its answer, or why there is none (not configured, refused, timed out, unreachable). */
  async ask<T>(payer: DownstreamPayer, body: unknown, requestId: string): Promise<PreviewPart<T>> {
    const base = this.url(payer);
    const token = await this.tokenFor(payer);
    if (!base || !token) return { ok: false, reason: 'NOT_CONFIGURED' };
    try {
      const res = await fetch(`${base}/previews`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.runtime.config.PREVIEW_TIMEOUT_MS),
      });
      if (res.status !== 200) {
        const problem = (await res.json().catch(() => ({}))) as { detail?: string };
        return { ok: false, reason: `ANSWERED_${res.status}${problem.detail ? `: ${problem.detail}` : ''}` };
      }
      return { ok: true, value: (await res.json()) as T };
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      return { ok: false, reason: timedOut ? `NO_ANSWER_WITHIN_${this.runtime.config.PREVIEW_TIMEOUT_MS}_MS` : 'UNREACHABLE' };
    }
  }
}
