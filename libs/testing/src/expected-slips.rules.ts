import type { ScenarioStep } from '@msb/contracts';
import { print } from '@msb/money';
import { applyFact, emptyFactBook, factsFromSteps, settleBook } from '@msb/settlement';

/** What a claim's slip must show once every payer has decided: its status and each payer's share. */
export interface ExpectedSlip {
  status: 'SETTLED' | 'REVERSED';
  basic: string;
  criticalIllness: string;
  assistance: string;
}

/**
 * Every claim of the steps as libs/settlement settles it from the same facts (a reversed claim
 * pays nothing). The steps must hold what the claims are settled on (each region-year's
 * policies and basic catalogue, each claim's hospital): a claim without them has no
 * expectation, and asking for one is a mistake in the test, not a result.
 */
export function expectedSlips(steps: ScenarioStep[]): Map<string, ExpectedSlip> {
  const book = factsFromSteps(steps).reduce(applyFact, emptyFactBook());
  const expected = new Map<string, ExpectedSlip>();
  for (const { settled, reversed } of settleBook(book).values()) {
    for (const c of settled.claims)
      expected.set(c.claimId, {
        status: 'SETTLED',
        basic: print(c.basic),
        criticalIllness: print(c.criticalIllness),
        assistance: print(c.assistance),
      });
    for (const id of reversed) expected.set(id, { status: 'REVERSED', basic: '0.00', criticalIllness: '0.00', assistance: '0.00' });
  }
  const unsettled = [...book.claims.keys()].filter((id) => !expected.has(id));
  if (unsettled.length > 0)
    throw new Error(
      `expectedSlips: ${unsettled.length} claims (${unsettled.slice(0, 5).join(', ')}…) cannot be settled from the steps: ` +
        'their region-year lacks a policy section or the basic catalogue, or a claim of their person-year names a hospital no putHospital step registers',
    );
  return expected;
}
