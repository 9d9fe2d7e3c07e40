import { randomUUID } from 'node:crypto';
import type { Envelope } from '@msb/contracts';

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

/** Wrap event data in the shared envelope. Time comes from the caller (a command's clock), never from here. */
export function envelope<T>(input: EnvelopeInput<T>): Envelope<T> {
  const id = input.id ?? randomUUID();
  return {
    id,
    type: input.type,
    version: input.version ?? 1,
    source: input.source,
    subject: input.subject,
    time: input.time.toISOString(),
    correlationId: input.correlationId ?? id,
    causationId: input.causationId ?? null,
    data: input.data,
  };
}
