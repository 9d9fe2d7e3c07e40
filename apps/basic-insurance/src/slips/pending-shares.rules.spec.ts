import { money } from '@msb/money';
import { pendingShares } from './pending-shares.rules';

const shown = (total: string, basic: string, ci: string, assistance: string) => {
  const s = pendingShares(money(total), money(basic), money(ci), money(assistance));
  return {
    basic: s.basic.toFixed(2),
    criticalIllness: s.criticalIllness.toFixed(2),
    assistance: s.assistance.toFixed(2),
    selfPay: s.selfPay.toFixed(2),
  };
};

describe('a pending slip (结算中)', () => {
  it('given figures that fit the total, then they are shown as they are and self-pay is the rest', () => {
    expect(shown('1000.00', '600.00', '100.00', '50.00')).toEqual({
      basic: '600.00',
      criticalIllness: '100.00',
      assistance: '50.00',
      selfPay: '250.00',
    });
  });

  it("given assistance still on the claim's earlier version (a correction lowered the total), then it is shown up to what basic and 大病 left and self-pay is 0, not negative", () => {
    // basic decided version 2 (total 347.92, basic 119.92); assistance's figure 230.22 is of version 1
    expect(shown('347.92', '119.92', '0.00', '230.22')).toEqual({
      basic: '119.92',
      criticalIllness: '0.00',
      assistance: '228.00',
      selfPay: '0.00',
    });
  });

  it('given 大病 above what basic left, then 大病 is shown up to it and assistance gets nothing yet', () => {
    expect(shown('500.00', '300.00', '250.00', '40.00')).toEqual({
      basic: '300.00',
      criticalIllness: '200.00',
      assistance: '0.00',
      selfPay: '0.00',
    });
  });

  it('always conserves the total with no negative part', () => {
    for (const [t, b, c, a] of [
      ['0.00', '0.00', '10.00', '5.00'],
      ['100.00', '100.00', '1.00', '1.00'],
      ['100.00', '20.00', '30.00', '60.00'],
    ]) {
      const s = pendingShares(money(t), money(b), money(c), money(a));
      expect(s.basic.plus(s.criticalIllness).plus(s.assistance).plus(s.selfPay).toFixed(2)).toBe(money(t).toFixed(2));
      expect([s.basic, s.criticalIllness, s.assistance, s.selfPay].some((x) => x.isNegative())).toBe(false);
    }
  });
});
