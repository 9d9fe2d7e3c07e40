import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BasicDecidedClaim, Cause, ClaimDto, Payment, PersonYearRef } from '@msb/contracts';
import { basicCatalogueFromWire, basicPolicyFromWire, DecisionRejected, hospitalFromWire } from '@msb/settlement';
import {
  adjusted,
  deciderSpec,
  decisionEventsOf,
  scenarioCatalogue,
  scenarioHospitals,
  scenarioPolicy,
  settled,
} from '@msb/testing/decider';
import {
  BasicCommand,
  BasicEvent,
  BasicPolicyInForce as PolicyInForce,
  basicPersonYearDecider,
  BasicTerms,
  decide,
  HospitalsInForce,
} from './basic-person-year.decider';

// The policy and the two claims of scenarios/late-claim-reorders-year.json: 440300 / 2024, inpatient
// level 3 deductible 800 at 70 %, off-region −10 points, a second admission pays half the deductible.
const policyDto = scenarioPolicy('late-claim-reorders-year.json', 'basic');
const claimDto = (id: string): ClaimDto => {
  const scenario = JSON.parse(readFileSync(join(__dirname, '../../../../scenarios/late-claim-reorders-year.json'), 'utf8')) as {
    steps: { op: string; claim?: ClaimDto }[];
  };
  return scenario.steps.find((s) => s.op === 'submitClaim' && s.claim?.claimId === id)!.claim!;
};

const policy: PolicyInForce = { revision: 1, terms: basicPolicyFromWire(policyDto) };
// its catalogue (A-ITEM class A, B-ITEM class B at the policy's ratio) and hospitals (H-CITY-3 in 440300, H-OUT-3 elsewhere)
const catalogue: BasicTerms['catalogue'] = {
  revision: 1,
  terms: basicCatalogueFromWire(scenarioCatalogue('late-claim-reorders-year.json', 'basic')),
};
const registered = scenarioHospitals('late-claim-reorders-year.json');
const hospitals: HospitalsInForce = {
  revision: registered.size,
  hospitals: new Map([...registered].map(([id, h]) => [id, hospitalFromWire(h)])),
};
const terms = (p: PolicyInForce = policy): BasicTerms => ({ policy: p, catalogue, hospitals });
const KEY: PersonYearRef = { region: '440300', personId: 'P-LC', year: 2024 };

/** LC-DEC: level 3 in region, A 30000 + B 8000 (10 % self-paid) → scope 37200. */
const DEC = claimDto('LC-DEC');
/** LC-JUL: level 3 off region (70 % − 10 points), A 50000. Earlier in the year than LC-DEC. */
const JUL = claimDto('LC-JUL');

// ---- given / when / then ------------------------------------------------------------------

const { given, fold } = deciderSpec(basicPersonYearDecider, KEY);

// ---- commands -----------------------------------------------------------------------------

const submit = (claim: ClaimDto, p: PolicyInForce = policy): BasicCommand => ({
  type: 'SubmitClaim',
  data: { claim, ...terms(p) },
});
const correct = (claim: ClaimDto, p: PolicyInForce = policy): BasicCommand => ({
  type: 'CorrectClaim',
  data: { claim, ...terms(p) },
});
const reverse = (claimId: string, reason = 'billed twice'): BasicCommand => ({
  type: 'ReverseClaim',
  data: { claimId, reason, ...terms() },
});
const revise = (p: PolicyInForce): BasicCommand => ({ type: 'ApplyPolicyRevision', data: terms(p) });

// ---- events -------------------------------------------------------------------------------

const submitted = (claim: ClaimDto): BasicEvent => ({ type: 'ClaimSubmitted', data: { claim, version: 1, year: 2024 } });
const live = (
  claim: ClaimDto,
  f: { total: string; policyScope: string; basic: string; compliantSelfPay: string; deductiblePaid: string },
  version = 1,
): BasicDecidedClaim => ({
  claimId: claim.claimId,
  version,
  status: 'LIVE',
  serviceDate: claim.serviceDate,
  visitType: claim.visitType,
  hospitalId: claim.hospital.id,
  total: f.total,
  policyScope: f.policyScope,
  ciExtra: '0.00',
  basic: f.basic,
  compliantSelfPay: f.compliantSelfPay,
  // every item of these claims is in the catalogue and in basic scope
  outOfScope: '0.00',
  deductiblePaid: f.deductiblePaid,
  outOfScopeItems: [],
  notInCatalogue: [],
});
const reversedClaim = (claim: ClaimDto, version = 1): BasicDecidedClaim => ({
  claimId: claim.claimId,
  version,
  status: 'REVERSED',
  serviceDate: claim.serviceDate,
  visitType: claim.visitType,
  hospitalId: claim.hospital.id,
  total: '0.00',
  policyScope: '0.00',
  ciExtra: '0.00',
  basic: '0.00',
  compliantSelfPay: '0.00',
  outOfScope: '0.00',
  deductiblePaid: '0.00',
  outOfScopeItems: [],
  notInCatalogue: [],
});

/** Σ of a figure over claims, in cents (independently of the code under test). */
const sumOf = (claims: BasicDecidedClaim[], field: 'total' | 'policyScope' | 'ciExtra' | 'basic' | 'compliantSelfPay') =>
  (claims.reduce((n, c) => n + Math.round(Number(c[field]) * 100), 0) / 100).toFixed(2);

/**
 * Payments first, then the decision that carries them, as decide emits them: it follows the
 * revision before it, carries the claims it `changed` (by default every claim of the `year`)
 * and the year's totals over all of them.
 */
const decision = (
  revision: number,
  cause: Cause,
  year: BasicDecidedClaim[],
  payments: Payment[],
  policyRevision = 1,
  changed: BasicDecidedClaim[] = year,
): BasicEvent[] =>
  decisionEventsOf('Basic', {
    personYear: KEY,
    revision,
    previousRevision: revision - 1,
    policyRevision,
    catalogueRevision: 1,
    hospitalRegistryRevision: hospitals.revision,
    cause,
    claims: changed,
    totals: {
      claimCount: year.length,
      total: sumOf(year, 'total'),
      policyScope: sumOf(year, 'policyScope'),
      ciExtra: sumOf(year, 'ciExtra'),
      basic: sumOf(year, 'basic'),
      compliantSelfPay: sumOf(year, 'compliantSelfPay'),
    },
    payments,
  });

// The figures, by hand from DOMAIN.md:
// LC-DEC as the 1st admission: (37200 − 800) × 0.70 = 25480; as the 2nd: (37200 − 400) × 0.70 = 25760.
// LC-JUL as the 1st admission: (50000 − 800) × 0.60 = 29520.
const DEC_FIRST = live(DEC, {
  total: '38000.00',
  policyScope: '37200.00',
  basic: '25480.00',
  compliantSelfPay: '11720.00',
  deductiblePaid: '800.00',
});
const DEC_SECOND = live(DEC, {
  total: '38000.00',
  policyScope: '37200.00',
  basic: '25760.00',
  compliantSelfPay: '11440.00',
  deductiblePaid: '400.00',
});
const JUL_FIRST = live(JUL, {
  total: '50000.00',
  policyScope: '50000.00',
  basic: '29520.00',
  compliantSelfPay: '20480.00',
  deductiblePaid: '800.00',
});

const AFTER_DEC: BasicEvent[] = [
  submitted(DEC),
  ...decision(1, { reason: 'INITIAL', claimId: 'LC-DEC' }, [DEC_FIRST], [settled('LC-DEC', '25480.00')]),
];
const AFTER_DEC_THEN_JUL: BasicEvent[] = [
  ...AFTER_DEC,
  submitted(JUL),
  ...decision(
    2,
    { reason: 'LATE_CLAIM', claimId: 'LC-JUL' },
    [JUL_FIRST, DEC_SECOND],
    [settled('LC-JUL', '29520.00'), adjusted('LC-DEC', '280.00', '25760.00', 'LATE_CLAIM')],
  ),
];

// ---- the cases ----------------------------------------------------------------------------

describe('basic person-year decider', () => {
  it('first claim: submitted, settled and decided as revision 1 with cause INITIAL', () => {
    given([])
      .when(submit(DEC))
      .then([submitted(DEC), ...decision(1, { reason: 'INITIAL', claimId: 'LC-DEC' }, [DEC_FIRST], [settled('LC-DEC', '25480.00')])]);
  });

  it('a late claim with an earlier serviceDate makes the later claim the 2nd admission: BasicAdjusted with LATE_CLAIM', () => {
    given(AFTER_DEC)
      .when(submit(JUL))
      .then([
        submitted(JUL),
        ...decision(
          2,
          { reason: 'LATE_CLAIM', claimId: 'LC-JUL' },
          [JUL_FIRST, DEC_SECOND],
          [settled('LC-JUL', '29520.00'), adjusted('LC-DEC', '280.00', '25760.00', 'LATE_CLAIM')],
        ),
      ]);
  });

  it('a later claim that moves nothing else is decided with cause INITIAL', () => {
    // given LC-JUL alone, when LC-DEC arrives (already the 2nd admission), then only LC-DEC is settled
    const afterJul = [
      submitted(JUL),
      ...decision(1, { reason: 'INITIAL', claimId: 'LC-JUL' }, [JUL_FIRST], [settled('LC-JUL', '29520.00')]),
    ];
    const after = given(afterJul)
      .when(submit(DEC))
      .then([
        submitted(DEC),
        // LC-JUL's figures did not move: the decision carries LC-DEC alone, the totals the whole year
        ...decision(2, { reason: 'INITIAL', claimId: 'LC-DEC' }, [JUL_FIRST, DEC_SECOND], [settled('LC-DEC', '25760.00')], 1, [DEC_SECOND]),
      ]);
    // the state keeps the whole decided year, in (serviceDate, claimId) order
    expect(after.decided).toEqual([JUL_FIRST, DEC_SECOND]);
  });

  it('either arrival order converges to the same paid amounts', () => {
    const run = (commands: BasicCommand[]) =>
      commands.reduce((state, command) => decide(command, state).reduce(basicPersonYearDecider.evolve, state), fold([]));
    const decFirst = run([submit(DEC), submit(JUL)]);
    const julFirst = run([submit(JUL), submit(DEC)]);
    expect(decFirst.paid).toEqual(julFirst.paid);
    expect(decFirst.paid).toEqual({ 'LC-JUL': { paid: '29520.00', settled: true }, 'LC-DEC': { paid: '25760.00', settled: true } });
    expect(decFirst.decided).toEqual(julFirst.decided);
  });

  it('a correction with the same content changes nothing', () => {
    given(AFTER_DEC_THEN_JUL)
      .when(correct({ ...DEC, items: DEC.items.map((i) => ({ ...i })) }))
      .then([]);
  });

  it('a correction is the next version and every amount it moves is adjusted with CORRECTION', () => {
    // given LC-JUL becomes an outpatient chronic visit: (50000 − 0) × (0.65 − 0.10) = 27500,
    // and LC-DEC is the first admission again: 25480
    const corrected: ClaimDto = { ...JUL, visitType: 'OUTPATIENT_CHRONIC', admissionDate: undefined };
    given(AFTER_DEC_THEN_JUL)
      .when(correct(corrected))
      .then([
        { type: 'ClaimCorrected', data: { claim: corrected, version: 2, year: 2024 } },
        ...decision(
          3,
          { reason: 'CORRECTION', claimId: 'LC-JUL' },
          [
            {
              ...live(
                corrected,
                { total: '50000.00', policyScope: '50000.00', basic: '27500.00', compliantSelfPay: '22500.00', deductiblePaid: '0.00' },
                2,
              ),
            },
            DEC_FIRST,
          ],
          [adjusted('LC-JUL', '-2020.00', '27500.00', 'CORRECTION', 2), adjusted('LC-DEC', '-280.00', '25480.00', 'CORRECTION')],
        ),
      ]);
  });

  it('a correction of an amount tops the claim up', () => {
    // given B 8000 → 10000: scope 30000 + 9000 = 39000; 2nd admission: (39000 − 400) × 0.70 = 27020
    const corrected: ClaimDto = { ...DEC, items: DEC.items.map((i) => (i.code === 'B-ITEM' ? { ...i, amount: '10000' } : i)) };
    given(AFTER_DEC_THEN_JUL)
      .when(correct(corrected))
      .then([
        { type: 'ClaimCorrected', data: { claim: corrected, version: 2, year: 2024 } },
        ...decision(
          3,
          { reason: 'CORRECTION', claimId: 'LC-DEC' },
          [
            JUL_FIRST,
            live(
              corrected,
              { total: '40000.00', policyScope: '39000.00', basic: '27020.00', compliantSelfPay: '11980.00', deductiblePaid: '400.00' },
              2,
            ),
          ],
          [adjusted('LC-DEC', '1260.00', '27020.00', 'CORRECTION', 2)],
          1,
          [
            live(
              corrected,
              { total: '40000.00', policyScope: '39000.00', basic: '27020.00', compliantSelfPay: '11980.00', deductiblePaid: '400.00' },
              2,
            ),
          ],
        ),
      ]);
  });

  it('a reversal pays the claim 0 (REVERSAL) and the rest of the year is recomputed', () => {
    given(AFTER_DEC_THEN_JUL)
      .when(reverse('LC-JUL'))
      .then([
        { type: 'ClaimReversed', data: { claimId: 'LC-JUL', version: 1, personYear: KEY, reason: 'billed twice' } },
        ...decision(
          3,
          { reason: 'REVERSAL', claimId: 'LC-JUL' },
          [reversedClaim(JUL), DEC_FIRST],
          [adjusted('LC-JUL', '-29520.00', '0.00', 'REVERSAL'), adjusted('LC-DEC', '-280.00', '25480.00', 'REVERSAL')],
        ),
      ]);
  });

  it('a reversed claim is recorded as REVERSED in the state', () => {
    const { state } = given([
      ...AFTER_DEC,
      { type: 'ClaimReversed', data: { claimId: 'LC-DEC', version: 1, personYear: KEY, reason: 'x' } },
    ]);
    expect(state.claims['LC-DEC'].status).toBe('REVERSED');
  });

  it('reversing twice is rejected with ALREADY_REVERSED', () => {
    const reversal = decide(reverse('LC-DEC'), fold(AFTER_DEC));
    given([...AFTER_DEC, ...reversal])
      .when(reverse('LC-DEC'))
      .thenRejects('ALREADY_REVERSED');
  });

  it('correcting a reversed claim is rejected with ALREADY_REVERSED', () => {
    given([...AFTER_DEC, { type: 'ClaimReversed', data: { claimId: 'LC-DEC', version: 1, personYear: KEY, reason: 'x' } }])
      .when(correct({ ...DEC, diagnosis: ['C34.1'] }))
      .thenRejects('ALREADY_REVERSED');
  });

  it('submitting a recorded claim again with the same content changes nothing, also after it was corrected', () => {
    given(AFTER_DEC).when(submit(DEC)).then([]);
    const corrected = decide(correct({ ...DEC, diagnosis: ['C34.1'] }), fold(AFTER_DEC));
    given([...AFTER_DEC, ...corrected])
      .when(submit(DEC))
      .then([]);
  });

  it('submitting a recorded claimId with other content is rejected with CONFLICTING_CLAIM', () => {
    given(AFTER_DEC)
      .when(submit({ ...DEC, diagnosis: ['C34.1'] }))
      .thenRejects('CONFLICTING_CLAIM');
  });

  it('a correction that moves the claim to another person, region or year is rejected with CLAIM_MOVED, naming every field', () => {
    given(AFTER_DEC)
      .when(correct({ ...DEC, personId: 'P-OTHER', serviceDate: '2025-01-03' }))
      .thenRejects('CLAIM_MOVED');
    let rejection: unknown;
    try {
      decide(correct({ ...DEC, personId: 'P-OTHER', region: '110000', serviceDate: '2025-01-03' }), fold(AFTER_DEC));
    } catch (error) {
      rejection = error;
    }
    expect(rejection).toBeInstanceOf(DecisionRejected);
    expect((rejection as DecisionRejected).problems.map((p) => p.path)).toEqual(['/personId', '/region', '/serviceDate']);
  });

  it('correcting or reversing an unknown claim is rejected with UNKNOWN_CLAIM', () => {
    given(AFTER_DEC).when(correct(JUL)).thenRejects('UNKNOWN_CLAIM');
    given(AFTER_DEC).when(reverse('LC-JUL')).thenRejects('UNKNOWN_CLAIM');
  });

  it('a policy revision that changes nothing for the person-year publishes nothing', () => {
    given(AFTER_DEC_THEN_JUL)
      .when(revise({ revision: 2, terms: basicPolicyFromWire({ ...policyDto, outpatientAnnualCap: '600.00', annualCap: '500000.00' }) }))
      .then([]);
  });

  it('a policy revision that changes a rate adjusts every affected claim with POLICY_REVISED', () => {
    // given level 3 inpatient 70 % → 75 %: LC-JUL (49200 × 0.65) = 31980, LC-DEC (36800 × 0.75) = 27600
    const revised = basicPolicyFromWire({ ...policyDto, inpatient: { ...policyDto.inpatient, '3': { deductible: '800', rate: '0.75' } } });
    given(AFTER_DEC_THEN_JUL)
      .when(revise({ revision: 2, terms: revised }))
      .then(
        decision(
          3,
          { reason: 'POLICY_REVISED', policyRevision: 2, catalogueRevision: 1 },
          [
            live(JUL, {
              total: '50000.00',
              policyScope: '50000.00',
              basic: '31980.00',
              compliantSelfPay: '18020.00',
              deductiblePaid: '800.00',
            }),
            live(DEC, {
              total: '38000.00',
              policyScope: '37200.00',
              basic: '27600.00',
              compliantSelfPay: '9600.00',
              deductiblePaid: '400.00',
            }),
          ],
          [adjusted('LC-JUL', '2460.00', '31980.00', 'POLICY_REVISED'), adjusted('LC-DEC', '1840.00', '27600.00', 'POLICY_REVISED')],
          2,
        ),
      );
  });

  it('evolve records what was paid and the last decision', () => {
    const { state } = given(AFTER_DEC_THEN_JUL);
    expect(state.revision).toBe(2);
    expect(state.policyRevision).toBe(1);
    expect(state.paid).toEqual({ 'LC-DEC': { paid: '25760.00', settled: true }, 'LC-JUL': { paid: '29520.00', settled: true } });
    expect(state.decided).toEqual([JUL_FIRST, DEC_SECOND]);
    expect(Object.keys(state.claims).sort()).toEqual(['LC-DEC', 'LC-JUL']);
  });
  it('a decision recorded before deltas (every claim, no previousRevision or totals) evolves like a delta: the whole year', () => {
    const v1 = {
      personYear: KEY,
      revision: 2,
      policyRevision: 1,
      cause: { reason: 'LATE_CLAIM' as const },
      claims: [JUL_FIRST, DEC_SECOND],
      payments: [],
    };
    const { state } = given([...AFTER_DEC, submitted(JUL), { type: 'PersonYearDecided', data: v1 as never }]);
    expect(state.decided).toEqual([JUL_FIRST, DEC_SECOND]);
    expect(state.revision).toBe(2);
  });

  it('decides the same on a state reloaded from its jsonb snapshot: a revision that changes nothing publishes nothing', () => {
    // the harness decides every case on the reloaded state too; this one is the case that broke before decisions were compared canonically
    given(AFTER_DEC_THEN_JUL)
      .when(revise({ revision: 2, terms: policy.terms }))
      .then([]);
  });

  describe('the catalogue and the hospital registry decide what a claim is worth', () => {
    const withTerms = (t: Partial<BasicTerms>): BasicTerms => ({ ...terms(), ...t });
    const decidedOf = (events: BasicEvent[]) =>
      events.flatMap((e) => (e.type === 'PersonYearDecided' ? e.data.claims : [])).find((c) => c.claimId === 'LC-DEC')!;

    it('an item code the catalogue does not list is paid as class C and named in notInCatalogue', () => {
      // given LC-DEC with an extra 2000 under a code the catalogue lacks: scope stays 37200, the 2000 is out of scope
      const claim: ClaimDto = { ...DEC, items: [...DEC.items, { code: 'X-UNLISTED', amount: '2000' }] };
      const d = decidedOf(decide({ type: 'SubmitClaim', data: { claim, ...terms() } }, given([]).state));
      expect(d).toMatchObject({ total: '40000.00', policyScope: '37200.00', basic: '25480.00', outOfScope: '2000.00' });
      expect(d.notInCatalogue).toEqual(['X-UNLISTED']);
      expect(d.outOfScopeItems).toEqual([{ code: 'X-UNLISTED', amount: '2000.00' }]);
    });

    it('a catalogue revision that moves an item from A to C recalculates the year with POLICY_REVISED', () => {
      // given A-ITEM becomes class C: LC-DEC's scope is B 8000 × 0.90 = 7200; (7200 − 800) × 0.70 = 4480
      const revised: BasicTerms['catalogue'] = {
        revision: 2,
        terms: basicCatalogueFromWire({ items: { 'A-ITEM': { category: 'C' }, 'B-ITEM': { category: 'B' } } }),
      };
      const events = decide({ type: 'ApplyPolicyRevision', data: withTerms({ catalogue: revised }) }, given(AFTER_DEC).state);
      const d = decidedOf(events);
      expect(d).toMatchObject({ policyScope: '7200.00', basic: '4480.00', outOfScope: '30000.00' });
      expect(events.find((e) => e.type === 'PersonYearDecided')?.data).toMatchObject({
        catalogueRevision: 2,
        cause: { reason: 'POLICY_REVISED', catalogueRevision: 2 },
      });
      expect(events).toContainEqual({ type: 'BasicAdjusted', data: adjusted('LC-DEC', '-21000.00', '4480.00', 'POLICY_REVISED') });
    });

    it('a hospital moved out of the claim region is paid at the off-region rate after the recalculation', () => {
      // given H-CITY-3 now registered elsewhere: (37200 − 800) × (0.70 − 0.10) = 21840
      const moved = new Map(hospitals.hospitals);
      moved.set('H-CITY-3', { ...moved.get('H-CITY-3')!, region: 'OFF999' });
      const events = decide(
        { type: 'ApplyPolicyRevision', data: withTerms({ hospitals: { revision: hospitals.revision + 1, hospitals: moved } }) },
        given(AFTER_DEC).state,
      );
      expect(decidedOf(events)).toMatchObject({ basic: '21840.00' });
      expect(events.find((e) => e.type === 'PersonYearDecided')?.data).toMatchObject({ hospitalRegistryRevision: hospitals.revision + 1 });
    });

    it('a claim from an unknown or undesignated hospital is refused with HOSPITAL_NOT_DESIGNATED, naming the field', () => {
      const unknown: ClaimDto = { ...DEC, hospital: { id: 'H-NOWHERE' } };
      const undesignated = new Map(hospitals.hospitals);
      undesignated.set('H-CITY-3', { ...undesignated.get('H-CITY-3')!, designated: false });
      for (const [claim, t] of [
        [unknown, terms()],
        [DEC, withTerms({ hospitals: { revision: 9, hospitals: undesignated } })],
      ] as const) {
        let rejection: unknown;
        try {
          decide({ type: 'SubmitClaim', data: { claim, ...t } }, given([]).state);
        } catch (e) {
          rejection = e;
        }
        expect(rejection).toBeInstanceOf(DecisionRejected);
        expect(rejection).toMatchObject({ code: 'HOSPITAL_NOT_DESIGNATED', problems: [{ path: '/hospital/id' }] });
      }
    });
  });
});
