import { Injectable } from '@nestjs/common';
import { personKey, PersonYearRef, TOPICS } from '@msb/contracts';
import { envelope, OutgoingMessage } from '@msb/eventing';
import { CommandContext, PersonYearRepository, paymentsProjection } from '@msb/platform';
import { AssistanceCommand, AssistanceEvent, AssistancePersonYearState, decide, evolve, initialState } from './assistance-person-year.decider';

export const SOURCE = 'medical-assistance';

function toMessage(event: AssistanceEvent, key: PersonYearRef, now: Date, context: CommandContext): OutgoingMessage | undefined {
  if (event.type !== 'PersonYearDecided') return undefined;
  return {
    topic: TOPICS.assistanceDecisions,
    key: personKey(key.region, key.personId),
    envelope: envelope({
      type: 'assistance.PersonYearDecided',
      source: SOURCE,
      subject: `${key.region}:${key.personId}:${key.year}`,
      data: event.data,
      time: now,
      correlationId: context.correlationId,
      causationId: context.causationId ?? null,
    }),
  };
}

@Injectable()
export class AssistancePersonYears extends PersonYearRepository<AssistancePersonYearState, AssistanceCommand, AssistanceEvent> {
  constructor() {
    super({ payer: 'assistance', initialState, decide, evolve, revisionOf: (s) => s.revision, parkedOf: (s) => s.parked, toMessage }, paymentsProjection<unknown, AssistanceEvent>((e): e is Extract<AssistanceEvent, { type: 'AssistanceSettled' | 'AssistanceAdjusted' }> => e.type === 'AssistanceSettled' || e.type === 'AssistanceAdjusted'));
  }
}
