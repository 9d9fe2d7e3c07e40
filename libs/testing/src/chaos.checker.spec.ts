import { slipProblems } from './chaos.checker';

describe('what a slip may never show', () => {
  const slip = { total: '1000.00', basic: '600.00', criticalIllness: '100.00', assistance: '50.00', selfPay: '250.00' };

  it('nothing on a conserved slip', () => {
    expect(slipProblems(slip)).toEqual([]);
  });

  it('a claim paid twice by a payer breaks conservation and exceeds the total', () => {
    expect(slipProblems({ ...slip, basic: '1200.00', selfPay: '-350.00' })).toEqual(['a negative share', 'a share above the total']);
    expect(slipProblems({ ...slip, criticalIllness: '200.00' })).toEqual(['conservation broken']);
  });
});
