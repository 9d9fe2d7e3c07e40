import { z } from 'zod';
import { envelopeSchema } from './envelope.schema';
import { EVENT_VERSIONS } from './event.registry';

export type JsonSchema = { [keyword: string]: unknown };

/** The bus's contract as JSON Schema: the envelope, and the data of every `type@version` read. */
export interface Contract {
  envelope: JsonSchema;
  events: Record<string, JsonSchema>;
}

/** The contract of the registry as it is now: what producers publish (strict schemas). */
export function currentContract(): Contract {
  const versions = [...EVENT_VERSIONS].sort((a, b) => (a.type === b.type ? a.version - b.version : a.type < b.type ? -1 : 1));
  return {
    envelope: z.toJSONSchema(envelopeSchema) as JsonSchema,
    events: Object.fromEntries(versions.map((v) => [`${v.type}@${v.version}`, z.toJSONSchema(v.schema) as JsonSchema])),
  };
}

export interface ContractReport {
  /** Changes a reader of a released version would not accept: the lint fails. */
  breaking: string[];
  /** Released versions that only gained optional properties: `contract:release` records them. */
  compatible: string[];
  /** Versions not released yet: `contract:release` releases them. */
  unreleased: string[];
}

/** Keywords that document and constrain nothing. */
const NOTES = new Set(['description', 'title', 'examples', '$comment']);

const isObject = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => JSON.stringify(v);

/** A schema keyword's place in the data, for messages: `claims[].total`, `policy.categories{}`. */
function inside(at: string, keyword: string, index?: number): string {
  if (keyword === 'items') return `${at}[]`;
  if (keyword === 'prefixItems') return `${at}[${index}]`;
  if (keyword === 'additionalProperties') return `${at}{}`;
  if (keyword === 'propertyNames') return `${at}{key}`;
  if (index !== undefined) return `${at} (${keyword} ${index})`;
  return `${at} (${keyword})`;
}

/**
 * What in `current` a tolerant reader of `released` would not accept. The rule: a released
 * schema is frozen but for new optional properties of an object. So a property removed or
 * renamed, a property newly required (or no longer required), a changed type, an enum,
 * pattern, bound or format changed either way, a keyword added or removed: each is breaking.
 */
export function breakingChanges(released: JsonSchema, current: JsonSchema, at = ''): string[] {
  const problems: string[] = [];
  const here = at || '/';
  const hasProperties = isObject(released.properties) || isObject(current.properties);
  for (const keyword of new Set([...Object.keys(released), ...Object.keys(current)])) {
    if (NOTES.has(keyword) || (hasProperties && (keyword === 'properties' || keyword === 'required'))) continue;
    const [r, c] = [released[keyword], current[keyword]];
    if (!(keyword in current)) problems.push(`${here}: ${keyword} ${show(r)} removed`);
    else if (!(keyword in released)) problems.push(`${here}: ${keyword} ${show(c)} added`);
    else if (keyword === 'enum' && Array.isArray(r) && Array.isArray(c)) {
      const dropped = r.filter((x) => !c.some((y) => show(x) === show(y)));
      const added = c.filter((x) => !r.some((y) => show(x) === show(y)));
      if (dropped.length) problems.push(`${here}: enum narrowed, ${dropped.map(show).join(', ')} no longer allowed`);
      if (added.length) problems.push(`${here}: enum widened, ${added.map(show).join(', ')} unknown to readers of the released version`);
    } else if (isObject(r) && isObject(c)) problems.push(...breakingChanges(r, c, inside(at, keyword)));
    else if (Array.isArray(r) && Array.isArray(c) && r.length === c.length && r.every(isObject) && c.every(isObject))
      r.forEach((s, i) => problems.push(...breakingChanges(s as JsonSchema, c[i] as JsonSchema, inside(at, keyword, i))));
    else if (show(r) !== show(c)) problems.push(`${here}: ${keyword} changed from ${show(r)} to ${show(c)}`);
  }
  if (!hasProperties) return problems;
  const [rp, cp] = [(released.properties ?? {}) as Record<string, JsonSchema>, (current.properties ?? {}) as Record<string, JsonSchema>];
  const [rr, cr] = [new Set((released.required ?? []) as string[]), new Set((current.required ?? []) as string[])];
  for (const [name, schema] of Object.entries(rp)) {
    const path = `${at}.${name}`.replace(/^\./, '');
    if (!(name in cp)) problems.push(`${path}: removed`);
    else {
      if (rr.has(name) && !cr.has(name)) problems.push(`${path}: no longer required (readers of the released version expect it)`);
      if (!rr.has(name) && cr.has(name)) problems.push(`${path}: now required (producers of the released version may leave it out)`);
      problems.push(...breakingChanges(schema, cp[name], path));
    }
  }
  for (const name of Object.keys(cp))
    if (!(name in rp) && cr.has(name))
      problems.push(`${`${at}.${name}`.replace(/^\./, '')}: new and required (only optional properties may be added)`);
  return problems;
}

/** Every released `type@version` against the registry's: what breaks, what only grew, what is new. */
export function checkContract(released: Partial<Contract>, current: Contract): ContractReport {
  const report: ContractReport = { breaking: [], compatible: [], unreleased: [] };
  const compare = (name: string, r: JsonSchema, c: JsonSchema) => {
    const problems = breakingChanges(r, c);
    if (problems.length) report.breaking.push(...problems.map((p) => `${name} ${p}`));
    else if (show(r) !== show(c)) report.compatible.push(`${name}: changed compatibly (new optional properties)`);
  };
  if (released.envelope === undefined) report.unreleased.push('envelope');
  else compare('envelope', released.envelope, current.envelope);
  const events = released.events ?? {};
  for (const [key, schema] of Object.entries(events)) {
    if (current.events[key] === undefined)
      report.breaking.push(
        `${key}: released, and no longer read (a released version stays: its schema in OLDER_SCHEMAS and an upcaster to the next version in UPCASTERS)`,
      );
    else compare(key, schema, current.events[key]);
  }
  for (const key of Object.keys(current.events)) if (events[key] === undefined) report.unreleased.push(key);
  return report;
}
