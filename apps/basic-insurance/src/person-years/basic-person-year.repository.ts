import { Injectable } from '@nestjs/common';
import { Envelope, personKey, PersonYearRef, TOPICS } from '@msb/contracts';
import { envelope, OutgoingMessage, Tx } from '@msb/eventing';
import { CommandContext, Decided, paymentsProjection, PersonYearRepository, personYearDecisionMessage } from '@msb/platform';
import { projectBasicSlips } from '../slips/slip.projection';
import { basicPersonYearDecider, BasicCommand, BasicEvent, BasicPersonYearState } from './basic-person-year.decider';

export const SOURCE = 'basic-insurance';

function toMessage(event: BasicEvent, key: PersonYearRef, now: Date, context: CommandContext): OutgoingMessage | undefined {
  const base = { source: SOURCE, time: now, correlationId: context.correlationId, causationId: context.causationId ?? null };
  let env: Envelope;
  switch (event.type) {
    case 'ClaimSubmitted':
      env = envelope({ ...base, type: 'basic.ClaimSubmitted', subject: event.data.claim.claimId, data: event.data });
      break;
    case 'ClaimCorrected':
      env = envelope({ ...base, type: 'basic.ClaimCorrected', subject: event.data.claim.claimId, data: event.data });
      break;
    case 'ClaimReversed':
      env = envelope({ ...base, type: 'basic.ClaimReversed', subject: event.data.claimId, data: event.data });
      break;
    case 'PersonYearDecided':
      return personYearDecisionMessage(SOURCE, 'basic.PersonYearDecided', TOPICS.basicDecisions, key, event.data, now, context);
    default:
      return undefined;
  }
  return { topic: TOPICS.basicClaims, key: personKey(key.region, key.personId), envelope: env };
}

type Payment = Extract<BasicEvent, { type: 'BasicSettled' | 'BasicAdjusted' }>;

/** Basic's payments, with the hospital the claim came from (for the hospitals' statements, 对账). */
const recordPayments = paymentsProjection<BasicPersonYearState, BasicEvent>(
  (e): e is Payment => e.type === 'BasicSettled' || e.type === 'BasicAdjusted',
  (state, claimId) => state.claims[claimId]?.claim.hospital.id,
);

async function project(tx: Tx, decided: Decided<BasicPersonYearState, BasicEvent>[]): Promise<void> {
  await projectBasicSlips(tx, decided);
  await recordPayments(tx, decided);
}

/** The basic decider run against stored person-years, with the slip read model, the payment record and the outbox. */
@Injectable()
export class BasicPersonYears extends PersonYearRepository<BasicPersonYearState, BasicCommand, BasicEvent> {
  constructor() {
    super(
      {
        payer: 'basic',
        decider: basicPersonYearDecider,
        revisionOf: (s) => s.revision,
        parkedOf: () => false,
        toMessage,
      },
      project,
    );
  }
}
