import { randomUUID } from 'node:crypto';
import { EVENT_TYPES, type Envelope } from '@msb/contracts';

export interface EnvelopeInput<T> {
  type: string;
  version?: number;
  source: string;
  subject: string;
  data: T;
  time: Date;
  correlationId?: string;
  causationId?: string | null;
  id?: string;
}

/** The version producers publish a type at: the registry's current one (1 for a type it does not know, as in tests of unknown types). */
function currentVersion(type: string): number {
  return (EVENT_TYPES as Record<string, { version: number } | undefined>)[type]?.version ?? 1;
}

/**
 * Wrap event data in the shared envelope, at the type's current version unless told. Time comes
 * from the caller (a command's clock), never from here.
 */
export function envelope<T>(input: EnvelopeInput<T>): Envelope<T> {
  const id = input.id ?? randomUUID();
  return {
    id,
    type: input.type,
    version: input.version ?? currentVersion(input.type),
    source: input.source,
    subject: input.subject,
    time: input.time.toISOString(),
    correlationId: input.correlationId ?? id,
    causationId: input.causationId ?? null,
    data: input.data,
  };
}
