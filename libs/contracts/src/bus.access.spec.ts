import { AGENCIES, AGENCY_ACCESS, provenanceFailure, TOPIC_OWNERS } from './bus.access';
import { EVENT_TYPES, EventType } from './event.registry';
import { ALL_TOPICS, AUDITED_TOPICS, TOPICS } from './topic.names';

describe('the bus access table', () => {
  it('gives every topic exactly one owner among the agencies', () => {
    expect(Object.keys(TOPIC_OWNERS).sort()).toEqual([...ALL_TOPICS].sort());
    for (const owner of Object.values(TOPIC_OWNERS)) expect(AGENCIES).toContain(owner);
  });

  it('names only known topics, and lets only audit read the raw claims', () => {
    for (const agency of AGENCIES) {
      const { consumes, alsoReads } = AGENCY_ACCESS[agency];
      for (const t of [...consumes, ...alsoReads]) expect(ALL_TOPICS).toContain(t);
      if (agency !== 'audit') expect([...consumes, ...alsoReads]).not.toContain(TOPICS.basicClaims);
    }
    expect(AGENCY_ACCESS.audit.readsEverything).toBe(true);
    expect([...AGENCY_ACCESS.audit.consumes].sort()).toEqual([...AUDITED_TOPICS].sort());
  });

  it('lets the three payers read audit’s checkpoints, which only audit writes', () => {
    expect(TOPIC_OWNERS[TOPICS.auditCheckpoints]).toBe('audit');
    for (const payer of ['basic-insurance', 'critical-illness', 'medical-assistance'] as const)
      expect(AGENCY_ACCESS[payer].alsoReads).toContain(TOPICS.auditCheckpoints);
  });

  it('has every event type on a topic its source owns', () => {
    const owners: Record<string, string> = {
      basic: 'basic-insurance',
      'critical-illness': 'critical-illness',
      assistance: 'medical-assistance',
      audit: 'audit',
    };
    for (const [type, spec] of Object.entries(EVENT_TYPES)) expect(TOPIC_OWNERS[spec.topic]).toBe(owners[type.split('.')[0]]);
  });
});

describe('provenance of a consumed event (来源校验)', () => {
  const on = (type: EventType | string, source: string, topic: string) => provenanceFailure({ type, source }, topic);

  it('accepts each type on its topic from the topic’s owner', () => {
    for (const [type, spec] of Object.entries(EVENT_TYPES)) expect(on(type, TOPIC_OWNERS[spec.topic], spec.topic)).toBeUndefined();
  });

  it('refuses a type that belongs to another topic, naming both', () => {
    expect(on('critical-illness.PersonYearDecided', 'critical-illness', TOPICS.basicDecisions)).toEqual({
      ok: false,
      reason: 'WRONG_TOPIC',
      detail: 'critical-illness.PersonYearDecided does not belong on basic.decisions',
    });
    expect(on('basic.ClaimSubmitted', 'basic-insurance', TOPICS.basicDecisions)?.reason).toBe('WRONG_TOPIC');
    expect(on('basic.Unheard', 'basic-insurance', TOPICS.basicDecisions)?.reason).toBe('WRONG_TOPIC');
  });

  it('refuses an event whose source is not the agency that owns the topic', () => {
    expect(on('basic.PersonYearDecided', 'critical-illness', TOPICS.basicDecisions)).toEqual({
      ok: false,
      reason: 'WRONG_SOURCE',
      detail: 'basic.decisions carries events of basic-insurance only, not of critical-illness',
    });
    expect(on('assistance.EligibilityGranted', 'audit', TOPICS.assistanceEligibility)?.reason).toBe('WRONG_SOURCE');
    expect(on('basic.PersonYearDecided', 'basic', TOPICS.basicDecisions)?.reason).toBe('WRONG_SOURCE');
  });
});
