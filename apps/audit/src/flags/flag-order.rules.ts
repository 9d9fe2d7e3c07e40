import { createHash } from 'node:crypto';
import { canonicalJson } from '@msb/contracts';
import { z } from 'zod';
import { Flag, FRAUD_RULES, INTEGRITY_RULES, RuleCode } from './flag.rules';

/** The order flags are listed in: the integrity of the record first, then the fraud patterns, each in the order of its rule. */
export const RULE_ORDER: readonly RuleCode[] = [...INTEGRITY_RULES, ...FRAUD_RULES];

/** A flag's place in the list: its rule, the first event of its evidence in the log, and a digest of the whole flag. */
export type FlagKey = [rule: number, seq: string, digest: string];

export const flagKeySchema = z.tuple([
  z
    .number()
    .int()
    .min(0)
    .max(RULE_ORDER.length - 1),
  z.string().regex(/^(0|[1-9][0-9]{0,18})$/),
  z.string().regex(/^[0-9a-f]{32}$/),
]);

export function flagKey(flag: Flag): FlagKey {
  const seqs = flag.evidence.map((e) => BigInt(e.seq));
  const first = seqs.length ? seqs.reduce((a, b) => (b < a ? b : a)) : 0n;
  const digest = createHash('sha256').update(canonicalJson(flag)).digest('hex').slice(0, 32);
  return [RULE_ORDER.indexOf(flag.type), first.toString(), digest];
}

/** A total order on keys: by rule, then by the first evidence's place in the log (as numbers), then by digest. */
export function compareFlagKeys(a: FlagKey, b: FlagKey): number {
  if (a[0] !== b[0]) return a[0] - b[0];
  const [sa, sb] = [BigInt(a[1]), BigInt(b[1])];
  if (sa !== sb) return sa < sb ? -1 : 1;
  return a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0;
}

/**
 * Flags in list order, each once (two flags alike in every field are one finding): a cursor
 * at a key finds its place again however the list was computed, and as the log grows a new
 * finding takes its own place without moving the others.
 */
export function orderedFlags(flags: readonly Flag[]): { flag: Flag; key: FlagKey }[] {
  const keyed = flags.map((flag) => ({ flag, key: flagKey(flag) })).sort((a, b) => compareFlagKeys(a.key, b.key));
  return keyed.filter((x, i) => i === 0 || compareFlagKeys(keyed[i - 1].key, x.key) !== 0);
}
