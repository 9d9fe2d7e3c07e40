import { Injectable } from '@nestjs/common';
import { TOPICS } from '@msb/contracts';
import { PersonYearRepository, paymentsProjection, personYearDecisionMessage } from '@msb/platform';
import { criticalIllnessPersonYearDecider, CiCommand, CiEvent, CiPersonYearState } from './ci-person-year.decider';

export const SOURCE = 'critical-illness';

type Payment = Extract<CiEvent, { type: 'CriticalIllnessSettled' | 'CriticalIllnessAdjusted' }>;

/** 大病's person-years: the decider run against stored state, its decisions published, its payments recorded for the fund report (单独核算) and the hospitals' statements. */
@Injectable()
export class CriticalIllnessPersonYears extends PersonYearRepository<CiPersonYearState, CiCommand, CiEvent> {
  constructor() {
    super(
      {
        payer: 'critical-illness',
        decider: criticalIllnessPersonYearDecider,
        revisionOf: (s) => s.revision,
        parkedOf: (s) => s.parked,
        heldOf: (s) => Object.keys(s.held ?? {}).length > 0,
        toMessage: (event, key, now, context) =>
          event.type === 'PersonYearDecided'
            ? personYearDecisionMessage(
                SOURCE,
                'critical-illness.PersonYearDecided',
                TOPICS.criticalIllnessDecisions,
                key,
                event.data,
                now,
                context,
              )
            : undefined,
      },
      paymentsProjection<CiPersonYearState, CiEvent>(
        (e): e is Payment => e.type === 'CriticalIllnessSettled' || e.type === 'CriticalIllnessAdjusted',
        // the hospital as basic decided the claim (basis recorded before hospitals were carried: none)
        (state, claimId) => state.basic?.claims.find((c) => c.claimId === claimId)?.hospitalId,
      ),
    );
  }
}
