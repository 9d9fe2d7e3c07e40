import { figuresShownTo, refusedSections, sectionsFor, WHAT_IF_ROLES } from './what-if.rules';

describe('who may draft which section of a what-if', () => {
  it('lets the auditor draft all three and each officer only its own agency’s', () => {
    expect(sectionsFor('auditor')).toEqual(['basic', 'criticalIllness', 'assistance']);
    expect(sectionsFor('basic-officer')).toEqual(['basic']);
    expect(sectionsFor('insurer-officer')).toEqual(['criticalIllness']);
    expect(sectionsFor('civil-affairs-officer')).toEqual(['assistance']);
    expect(sectionsFor('hospital')).toEqual([]);
    expect(WHAT_IF_ROLES).toEqual(['auditor', 'basic-officer', 'insurer-officer', 'civil-affairs-officer']);
  });

  it.each([
    ['insurer-officer', { region: 'R', year: 2024, basic: {}, criticalIllness: {} }, ['basic']],
    ['civil-affairs-officer', { criticalIllness: 'anything', assistance: {} }, ['criticalIllness']],
    ['basic-officer', { basic: {}, criticalIllness: {}, assistance: {} }, ['criticalIllness', 'assistance']],
    ['basic-officer', { basic: {} }, []],
    ['auditor', { basic: {}, criticalIllness: {}, assistance: {} }, []],
    ['insurer-officer', [{ basic: {} }], []],
    ['insurer-officer', null, []],
  ] as const)('names, for %s sending %j, the sections it may not draft: %j', (role, body, refused) => {
    expect(refusedSections(role, body)).toEqual(refused);
  });
});

describe('the figures of one person each role is shown', () => {
  it('shows auditors and the bureau every figure, the insurer basic and 大病, civil affairs 大病 and assistance', () => {
    expect(figuresShownTo('auditor')).toEqual(['basic', 'criticalIllness', 'assistance', 'selfPay']);
    expect(figuresShownTo('basic-officer')).toEqual(['basic', 'criticalIllness', 'assistance', 'selfPay']);
    expect(figuresShownTo('insurer-officer')).toEqual(['basic', 'criticalIllness']);
    expect(figuresShownTo('civil-affairs-officer')).toEqual(['criticalIllness', 'assistance']);
    expect(figuresShownTo('operator')).toEqual([]);
  });
});
