import { z } from 'zod';

const made = new WeakMap<z.ZodType, z.ZodType>();

const isSchema = (v: unknown): v is z.ZodType => v instanceof z.core.$ZodType;

/**
 * The tolerant reader of a schema (Postel's rule for the bus): the same schema, checks and
 * messages, except that every strict object in it, however deep, drops the properties it does
 * not know instead of refusing them. HTTP requests are validated with the strict schema;
 * events are read with this one, so that a producer a release ahead can add a field without
 * its consumers dead-lettering what it sends. Built once per schema; a schema with nothing
 * strict in it is returned as it is.
 */
export function tolerant<T extends z.ZodType>(schema: T): T {
  const known = made.get(schema);
  if (known) return known as T;
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  const next: Record<string, unknown> = { ...def };
  let changed = false;
  const walk = (v: unknown): unknown => {
    if (!isSchema(v)) return v;
    const t = tolerant(v);
    if (t !== v) changed = true;
    return t;
  };
  for (const [key, value] of Object.entries(def)) {
    // a refinement is a check, not a part of the shape: kept as it is
    if (key === 'checks') continue;
    if (def.type === 'object' && key === 'catchall') {
      if (isSchema(value) && value._zod.def.type === 'never') {
        next.catchall = undefined;
        changed = true;
      }
    } else if (def.type === 'object' && key === 'shape') {
      next.shape = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, s]) => [k, walk(s)]));
    } else if (def.type === 'lazy' && key === 'getter') {
      const getter = value as () => z.ZodType;
      next.getter = () => tolerant(getter());
      changed = true;
    } else if (Array.isArray(value)) {
      next[key] = value.map(walk);
    } else {
      next[key] = walk(value);
    }
  }
  const result = changed ? (schema.clone(next as unknown as T['_zod']['def']) as T) : schema;
  made.set(schema, result);
  return result;
}
