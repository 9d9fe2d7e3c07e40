import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scenarioSchema } from '@msb/contracts';
import { print } from '@msb/money';
import { applyFact, emptyFactBook, settleBook } from './facts.fold';
import { factsFromSteps } from './scenario-facts.fold';

const dir = join(__dirname, '../../../scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('golden scenarios through the pure rules', () => {
  it.each(files)('%s converges to its expected slips and ledgers', (file) => {
    // given the scenario's facts
    const scenario = scenarioSchema.parse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    const book = factsFromSteps(scenario.steps).reduce(applyFact, emptyFactBook());

    // when every person-year is settled
    const outcomes = settleBook(book);

    // then every claim and every person-year equals expected
    const claims: Record<string, Record<string, string>> = {};
    const personYears: Record<string, unknown> = {};
    for (const [key, { settled, reversed }] of outcomes) {
      for (const c of settled.claims) {
        claims[c.claimId] = {
          status: 'SETTLED',
          total: print(c.total),
          policyScope: print(c.policyScope),
          basic: print(c.basic),
          criticalIllness: print(c.criticalIllness),
          assistance: print(c.assistance),
          selfPay: print(c.selfPay),
        };
      }
      for (const id of reversed) claims[id] = { status: 'REVERSED', basic: '0.00', criticalIllness: '0.00', assistance: '0.00' };
      personYears[key] = {
        basic: print(settled.basic),
        criticalIllness: print(settled.criticalIllness),
        assistance: print(settled.assistance),
        total: print(settled.total),
        selfPay: print(settled.selfPay),
        tilted: settled.tilted,
        assistanceCategory: settled.assistanceCategory,
      };
    }
    expect(claims).toEqual(scenario.expected.claims);
    expect(personYears).toEqual(scenario.expected.personYears);
  });
});
