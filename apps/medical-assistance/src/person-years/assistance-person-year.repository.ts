import { Injectable } from '@nestjs/common';
import { TOPICS } from '@msb/contracts';
import { PersonYearRepository, paymentsProjection, personYearDecisionMessage } from '@msb/platform';
import {
  AssistanceCommand,
  AssistanceEvent,
  assistancePersonYearDecider,
  AssistancePersonYearState,
} from './assistance-person-year.decider';

export const SOURCE = 'medical-assistance';

type Payment = Extract<AssistanceEvent, { type: 'AssistanceSettled' | 'AssistanceAdjusted' }>;

/** Assistance's person-years: the decider run against stored state, its decisions published, its payments recorded. */
@Injectable()
export class AssistancePersonYears extends PersonYearRepository<AssistancePersonYearState, AssistanceCommand, AssistanceEvent> {
  constructor() {
    super(
      {
        payer: 'assistance',
        decider: assistancePersonYearDecider,
        revisionOf: (s) => s.revision,
        parkedOf: (s) => s.parked,
        heldOf: (s) => Object.keys(s.held ?? {}).length > 0,
        toMessage: (event, key, now, context) =>
          event.type === 'PersonYearDecided'
            ? personYearDecisionMessage(SOURCE, 'assistance.PersonYearDecided', TOPICS.assistanceDecisions, key, event.data, now, context)
            : undefined,
      },
      paymentsProjection<AssistancePersonYearState, AssistanceEvent>(
        (e): e is Payment => e.type === 'AssistanceSettled' || e.type === 'AssistanceAdjusted',
        // the hospital as 大病 passed it on from basic's decision
        (state, claimId) => state.criticalIllness?.claims.find((c) => c.claimId === claimId)?.hospitalId,
      ),
    );
  }
}
