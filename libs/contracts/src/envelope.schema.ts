import { z } from 'zod';

/**
 * The envelope every message on every topic shares. `type` is an explicit string such as
 * "critical-illness.PersonYearDecided", never a class name; `version` is the schema version
 * of `data`. `subject` names what the event is about ("440300:P1:2024", a claim id…).
 */
export const envelopeSchema = z.strictObject({
  id: z.uuid(),
  type: z.string().min(1).max(100),
  version: z.number().int().min(1),
  source: z.string().min(1).max(100),
  subject: z.string().min(1).max(300),
  time: z.iso.datetime({ offset: true }),
  correlationId: z.string().min(1).max(100),
  causationId: z.string().max(100).nullable(),
  data: z.unknown(),
});

export interface Envelope<T = unknown> {
  id: string;
  type: string;
  version: number;
  source: string;
  subject: string;
  time: string;
  correlationId: string;
  causationId: string | null;
  data: T;
}
