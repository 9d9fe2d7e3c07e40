import { Injectable } from '@nestjs/common';
import { personKey, PersonYearRef, TOPICS } from '@msb/contracts';
import { envelope, OutgoingMessage } from '@msb/eventing';
import { CommandContext, PersonYearRepository, paymentsProjection } from '@msb/platform';
import { CiCommand, CiEvent, CiPersonYearState, decide, evolve, initialState } from './ci-person-year.decider';

export const SOURCE = 'critical-illness';

function toMessage(event: CiEvent, key: PersonYearRef, now: Date, context: CommandContext): OutgoingMessage | undefined {
  if (event.type !== 'PersonYearDecided') return undefined;
  return {
    topic: TOPICS.criticalIllnessDecisions,
    key: personKey(key.region, key.personId),
    envelope: envelope({
      type: 'critical-illness.PersonYearDecided',
      source: SOURCE,
      subject: `${key.region}:${key.personId}:${key.year}`,
      data: event.data,
      time: now,
      correlationId: context.correlationId,
      causationId: context.causationId ?? null,
    }),
  };
}

/** The fund's payment record (单独核算): every settlement and adjustment, for the fund report. */
@Injectable()
export class CriticalIllnessPersonYears extends PersonYearRepository<CiPersonYearState, CiCommand, CiEvent> {
  constructor() {
    super({ payer: 'critical-illness', initialState, decide, evolve, revisionOf: (s) => s.revision, parkedOf: (s) => s.parked, toMessage }, paymentsProjection<unknown, CiEvent>((e): e is Extract<CiEvent, { type: 'CriticalIllnessSettled' | 'CriticalIllnessAdjusted' }> => e.type === 'CriticalIllnessSettled' || e.type === 'CriticalIllnessAdjusted'));
  }
}
