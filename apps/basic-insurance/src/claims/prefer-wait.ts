import type { FastifyReply } from 'fastify';
import type { Caller } from '@msb/platform';
import type { Slip, SlipStatus } from '../slips/slip.view';
import type { SlipGoal, SlipSettledWaiter } from '../slips/slip-settled.waiter';

/** The longest wait a request may ask for: a longer one is waited this long (RFC 7240 lets a server cap a preference). */
export const MAX_WAIT_SECONDS = 30;

/** Split on `separator` outside quoted-strings (RFC 9110 §5.6.4), keeping the quotes and escapes. */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '\\' && i + 1 < text.length) {
      current += c + text[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === separator && !quoted) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

/** A word (RFC 7240 §2: token or quoted-string) without its quotes and escapes. */
function unquote(word: string): string {
  return word.length >= 2 && word.startsWith('"') && word.endsWith('"') ? word.slice(1, -1).replace(/\\(.)/g, '$1') : word;
}

/**
 * The seconds to wait that a request's Prefer header asks for (`Prefer: wait=N`, RFC 7240
 * §4.3: N in delta-seconds), capped at MAX_WAIT_SECONDS; undefined when it asks for no wait:
 * no header, no `wait`, `wait=0`, or a value that is not delta-seconds. Preferences are
 * comma-separated (several Prefer headers arrive joined by commas), names case-insensitive,
 * parameters after `;` ignored; only the first `wait` counts. A Prefer that does not parse is
 * ignored, never an error.
 */
export function preferredWait(prefer: string | readonly string[] | undefined): number | undefined {
  if (prefer === undefined) return undefined;
  const text = typeof prefer === 'string' ? prefer : prefer.join(',');
  for (const preference of splitOutsideQuotes(text, ',')) {
    const [head] = splitOutsideQuotes(preference, ';');
    const eq = head.indexOf('=');
    const name = (eq < 0 ? head : head.slice(0, eq)).trim().toLowerCase();
    if (name !== 'wait') continue;
    const value = eq < 0 ? '' : unquote(head.slice(eq + 1).trim());
    if (!/^\d+$/.test(value)) return undefined;
    const seconds = Math.min(Number(value), MAX_WAIT_SECONDS);
    return seconds > 0 ? seconds : undefined;
  }
  return undefined;
}

/** A hospital's accepted write on a claim, as its controller answers it. */
export interface AcceptedWrite<A> {
  claimId: string;
  /** The claim's status and version when the write was accepted. */
  seen: { status: SlipStatus; version: number };
  /** What the slip must show for the write to be through: SETTLED (at the version written) or REVERSED. */
  goal: SlipGoal['status'];
  /** The 202 body. */
  accepted: A;
}

/**
 * The answer to an accepted write on a claim, with `Location: /claims/{claimId}` always. With
 * `Prefer: wait=N` and the slip through within N seconds (at once when it already was, as for a
 * repeated request): 201 with the slip (as GET /claims/{claimId} shows it) and
 * `Preference-Applied: wait=N`. Otherwise the status the route declares (202) with `accepted`,
 * and the counter polls the slip.
 */
export async function answerAccepted<A>(
  waiter: SlipSettledWaiter,
  reply: FastifyReply,
  request: { headers: Record<string, string | undefined>; caller: Caller; correlationId: string; action: string },
  write: AcceptedWrite<A>,
): Promise<A | Slip> {
  void reply.header('location', `/claims/${encodeURIComponent(write.claimId)}`);
  const seconds = preferredWait(request.headers['prefer']);
  if (seconds === undefined) return write.accepted;
  const slip = await waiter.settledSlip(
    { claimId: write.claimId, status: write.goal, version: write.seen.version },
    write.seen,
    seconds * 1000,
    request,
  );
  if (!slip) return write.accepted;
  void reply.status(201).header('preference-applied', `wait=${seconds}`);
  return slip;
}
