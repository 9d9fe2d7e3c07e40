import { randomUUID } from 'node:crypto';
import { identifier, policyYear, regionCode } from '@msb/contracts';
import { z } from 'zod';
import { Problem, zodProblems } from './problem.details';

const regionYear = z.object({ region: regionCode, year: z.coerce.number().pipe(policyYear) });

/** Path parameters /{region}/{year}, validated together so that every problem is listed. */
export function regionYearParams(region: string, year: string): { region: string; year: number } {
  const parsed = regionYear.safeParse({ region, year: /^\d+$/.test(year) ? year : Number.NaN });
  if (!parsed.success) throw Problem.invalid('The path parameters are not valid', zodProblems(parsed.error));
  return parsed.data;
}

export function idParam(name: string, value: string): string {
  const parsed = identifier.safeParse(value);
  if (!parsed.success)
    throw Problem.invalid(
      `The path parameter ${name} is not valid`,
      zodProblems(parsed.error).map((p) => ({ ...p, path: `/${name}` })),
    );
  return parsed.data;
}

/** A caller's correlation id (x-correlation-id) if it is sane, else a new one. */
export function correlationIdFrom(headers: Record<string, string | undefined>): string {
  const given = headers['x-correlation-id'];
  return given && /^[A-Za-z0-9._:-]{1,100}$/.test(given) ? given : randomUUID();
}

/** Optimistic concurrency for revisions: `If-Match: "3"` (or 3) must name the current revision. */
export function expectedRevisionFrom(headers: Record<string, string | undefined>): number | undefined {
  const raw = headers['if-match'];
  if (raw === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(raw);
  if (!m)
    throw Problem.invalid('If-Match must name a revision, e.g. "3"', [{ path: '/headers/if-match', message: 'must be a revision number' }]);
  return Number(m[1]);
}
