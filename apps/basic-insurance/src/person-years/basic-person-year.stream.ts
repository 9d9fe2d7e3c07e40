import type { PersonYearRef } from '@msb/contracts';
import { personYearStreamId } from '@msb/eventing';

/** The stream (and snapshot) id of a basic person-year; the slip read model is keyed by it too. */
export const streamIdOf = (key: PersonYearRef): string => personYearStreamId('basic', key);
