import { z } from 'zod';
import { Envelope, envelopeSchema } from './envelope.schema';
import { tolerant } from './tolerant.schema';

/** One version of one event type, as published (strict) and as read (tolerant). */
export interface EventVersion {
  type: string;
  version: number;
  /** The version consumers are on: older versions are upcast to it. */
  current: boolean;
  /** What a producer publishes: no property the schema does not name. */
  schema: z.ZodType;
  /** What a consumer reads: unknown properties, at any depth, are dropped. */
  reader: z.ZodType;
}

export interface EventVersionsSpec {
  /** Each type's current version and schema. */
  types: Record<string, { version: number; schema: z.ZodType }>;
  /** `type@v` → the data of version v+1. */
  upcasters: Record<string, (data: unknown) => unknown>;
  /** `type@v` → the schema of older version v, one for each upcaster. */
  olderSchemas: Record<string, z.ZodType>;
}

export type DecodeFailure = {
  ok: false;
  /**
   * NEWER_VERSION: the type's version is above the one this code knows (its producer is a
   * release ahead): not for the dead-letter topic, its consumer stops there until it is
   * upgraded too. UNKNOWN_VERSION: an older version that no upcaster reads.
   */
  reason: 'MALFORMED_JSON' | 'INVALID_ENVELOPE' | 'UNKNOWN_TYPE' | 'UNKNOWN_VERSION' | 'NEWER_VERSION' | 'INVALID_DATA';
  detail: string;
  /** The envelope, when it was valid (its data not validated). */
  envelope?: Envelope;
};

/**
 * `published`: the envelope exactly as it was published, when what is read differs from it
 * (upcast, or unknown properties dropped): audit records events as published. `ignored`: the
 * unknown properties dropped, as JSON pointers.
 */
export type Decoded = { ok: true; envelope: Envelope; published?: Envelope; ignored?: string[] } | DecodeFailure;

export const versionKey = (type: string, version: number) => `${type}@${version}`;

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 20)
    .map((i) => `${i.path.length ? '/' + i.path.join('/') : '/'}: ${i.message}`)
    .join('; ');
}

/** The unknown properties a strict schema refused, as JSON pointers (into unions too). */
function unknownProperties(issues: readonly z.core.$ZodIssue[], at: PropertyKey[] = []): string[] {
  return issues.flatMap((i) => {
    const path = [...at, ...i.path];
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => '/' + [...path, k].map(String).join('/'));
    if (i.code === 'invalid_union') return i.errors.flatMap((e) => unknownProperties(e, path));
    return [];
  });
}

type Read = { ok: true; value: unknown; ignored: string[] } | { ok: false; error: z.ZodError };

/**
 * A value as a tolerant reader takes it: as the strict schema parses it when that takes it
 * (nothing to drop, the usual case), else as the reader parses it, without the unknown
 * properties that the strict schema named.
 */
function read(schema: z.ZodType, reader: z.ZodType, value: unknown): Read {
  const strict = schema.safeParse(value);
  if (strict.success) return { ok: true, value: strict.data, ignored: [] };
  const tolerated = reader.safeParse(value);
  if (!tolerated.success) return { ok: false, error: tolerated.error };
  return { ok: true, value: tolerated.data, ignored: unknownProperties(strict.error.issues) };
}

export interface EventVersions {
  /** Every version read, `type@version` → its schemas, each type's current one first. */
  versions: Map<string, EventVersion>;
  decode(json: unknown): Decoded;
  upcast<E extends Envelope>(e: E): E;
}

/**
 * The versions of a registry's types, checked once: every version from the oldest read to
 * the current one has its schema and an upcaster to the next, without a gap.
 */
export function eventVersions(spec: EventVersionsSpec): EventVersions {
  const { types, upcasters, olderSchemas } = spec;
  const versions = new Map<string, EventVersion>();
  const add = (type: string, version: number, schema: z.ZodType, current: boolean) =>
    versions.set(versionKey(type, version), { type, version, current, schema, reader: tolerant(schema) });
  for (const [type, { version, schema }] of Object.entries(types)) {
    add(type, version, schema, true);
    for (let v = version - 1; v >= 1 && (upcasters[versionKey(type, v)] || olderSchemas[versionKey(type, v)]); v--) {
      const older = olderSchemas[versionKey(type, v)];
      if (!older || !upcasters[versionKey(type, v)])
        throw new Error(`${versionKey(type, v)} needs both its schema (OLDER_SCHEMAS) and its upcaster to v${v + 1} (UPCASTERS)`);
      add(type, v, older, false);
    }
  }
  for (const k of new Set([...Object.keys(upcasters), ...Object.keys(olderSchemas)]))
    if (!versions.has(k)) throw new Error(`${k} is registered but not read: its type is unknown, or a version after it has no upcaster`);

  function upcast<E extends Envelope>(e: E): E {
    const current = types[e.type];
    if (current === undefined) return e;
    let data = e.data;
    let v = e.version;
    while (v < current.version) {
      const up = upcasters[versionKey(e.type, v)];
      if (up === undefined) return e;
      data = up(data);
      v += 1;
    }
    return v === e.version ? e : { ...e, version: v, data };
  }

  const envelopeReader = tolerant(envelopeSchema);
  function decode(json: unknown): Decoded {
    const read_ = read(envelopeSchema, envelopeReader, json);
    if (!read_.ok) return { ok: false, reason: 'INVALID_ENVELOPE', detail: describe(read_.error) };
    const e = read_.value as Envelope;
    const current = types[e.type];
    if (current === undefined) return { ok: false, reason: 'UNKNOWN_TYPE', detail: `unknown event type ${e.type}`, envelope: e };
    if (e.version > current.version) {
      const detail = `${e.type} version ${e.version} is newer than this reader's ${current.version}`;
      return { ok: false, reason: 'NEWER_VERSION', detail, envelope: e };
    }
    const published = versions.get(versionKey(e.type, e.version));
    if (published === undefined) {
      const detail = `${e.type} version ${e.version} is not read (current ${current.version})`;
      return { ok: false, reason: 'UNKNOWN_VERSION', detail, envelope: e };
    }
    const data = read(published.schema, published.reader, e.data);
    if (!data.ok) return { ok: false, reason: 'INVALID_DATA', detail: describe(data.error), envelope: e };
    const ignored = [...read_.ignored, ...data.ignored.map((p) => `/data${p}`)];
    let envelope: Envelope = { ...e, data: data.value };
    if (!published.current) {
      // each older version is read with its own schema first: an upcaster gets only what it knows
      const upcast_ = upcast(envelope);
      const parsed = versions.get(versionKey(e.type, current.version))!.reader.safeParse(upcast_.data);
      if (!parsed.success) return { ok: false, reason: 'INVALID_DATA', detail: describe(parsed.error), envelope: e };
      envelope = { ...upcast_, data: parsed.data };
    }
    return {
      ok: true,
      envelope,
      ...(!published.current || ignored.length > 0 ? { published: json as Envelope } : {}),
      ...(ignored.length > 0 ? { ignored } : {}),
    };
  }

  return { versions, decode, upcast };
}
