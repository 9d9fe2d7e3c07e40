import { REASON_CODES, ReasonCode } from '@msb/contracts';
import type { Payment } from '@msb/contracts';
import { money } from '@msb/money';
import { applyPayments, PaidSoFar, paymentsFor, reasonFromUpstream, Target } from './payments.rules';

const target = (claimId: string, amount: string, version = 1): Target => ({ claimId, version, amount: money(amount) });
const because = (reason: ReasonCode) => (): ReasonCode => reason;

describe('paymentsFor', () => {
  describe('given nothing paid yet', () => {
    it('when a claim is decided, then it is SETTLED with reason INITIAL and paid = amount', () => {
      expect(paymentsFor([target('C1', '56000')], {}, because('LATE_CLAIM'))).toEqual<Payment[]>([
        { claimId: 'C1', version: 1, kind: 'SETTLED', amount: '56000.00', paid: '56000.00', reason: 'INITIAL' },
      ]);
    });

    it('when a claim is decided at 0, then it is still SETTLED (the first decision is always published)', () => {
      expect(paymentsFor([target('C1', '0')], {}, because('LATE_CLAIM'))).toEqual<Payment[]>([
        { claimId: 'C1', version: 1, kind: 'SETTLED', amount: '0.00', paid: '0.00', reason: 'INITIAL' },
      ]);
    });

    it('when the claim is known but its first decision has not been made, then it is SETTLED', () => {
      const paid: Record<string, PaidSoFar> = { C1: { paid: '0.00', settled: false } };
      expect(paymentsFor([target('C1', '12.30', 2)], paid, because('CORRECTION'))).toEqual<Payment[]>([
        { claimId: 'C1', version: 2, kind: 'SETTLED', amount: '12.30', paid: '12.30', reason: 'INITIAL' },
      ]);
    });
  });

  describe('given a claim already settled at 1000.00', () => {
    const paid: Record<string, PaidSoFar> = { C1: { paid: '1000.00', settled: true } };

    it('when the amount is unchanged, then there is no payment', () => {
      expect(paymentsFor([target('C1', '1000')], paid, because('CORRECTION'))).toEqual([]);
    });

    it('when the amount rises, then a top-up (补付) is ADJUSTED with the positive difference and the new paid', () => {
      expect(paymentsFor([target('C1', '1280.50', 2)], paid, because('CORRECTION'))).toEqual<Payment[]>([
        { claimId: 'C1', version: 2, kind: 'ADJUSTED', amount: '280.50', paid: '1280.50', reason: 'CORRECTION' },
      ]);
    });

    it('when the amount falls, then a claw-back (追回) is ADJUSTED with a negative amount', () => {
      expect(paymentsFor([target('C1', '999.99')], paid, because('POLICY_REVISED'))).toEqual<Payment[]>([
        { claimId: 'C1', version: 1, kind: 'ADJUSTED', amount: '-0.01', paid: '999.99', reason: 'POLICY_REVISED' },
      ]);
    });

    it('when the claim falls to 0 (reversal), then the whole amount is clawed back', () => {
      expect(paymentsFor([target('C1', '0')], paid, because('REVERSAL'))).toEqual<Payment[]>([
        { claimId: 'C1', version: 1, kind: 'ADJUSTED', amount: '-1000.00', paid: '0.00', reason: 'REVERSAL' },
      ]);
    });
  });

  it('given several claims, then each gets its own payment (or none) in target order, with the reason for that claim', () => {
    const paid: Record<string, PaidSoFar> = { A: { paid: '10.00', settled: true }, B: { paid: '20.00', settled: true } };
    const reasons: Record<string, ReasonCode> = { A: 'LATE_CLAIM', B: 'CORRECTION', C: 'REVERSAL' };
    const asked: string[] = [];
    const payments = paymentsFor([target('C', '5'), target('B', '20'), target('A', '7.5')], paid, (id) => {
      asked.push(id);
      return reasons[id];
    });
    expect(payments).toEqual<Payment[]>([
      { claimId: 'C', version: 1, kind: 'SETTLED', amount: '5.00', paid: '5.00', reason: 'INITIAL' },
      { claimId: 'A', version: 1, kind: 'ADJUSTED', amount: '-2.50', paid: '7.50', reason: 'LATE_CLAIM' },
    ]);
    // the reason is only asked for claims that are actually adjusted
    expect(asked).toEqual(['A']);
  });

  it('given a negative target, then it throws instead of paying', () => {
    expect(() => paymentsFor([target('C1', '-0.01')], {}, because('INITIAL'))).toThrow(RangeError);
    expect(() => paymentsFor([target('C1', '-5')], { C1: { paid: '5.00', settled: true } }, because('REVERSAL'))).toThrow(
      /negative target -5.00 for claim C1/,
    );
  });

  it('given a target that is not in cents, then it refuses to print it', () => {
    expect(() => paymentsFor([target('C1', '1.005')], {}, because('INITIAL'))).toThrow(RangeError);
  });

  it('given no targets, then there are no payments', () => {
    expect(paymentsFor([], { C1: { paid: '5.00', settled: true } }, because('REVERSAL'))).toEqual([]);
  });
});

describe('applyPayments', () => {
  it('given payments, when applied, then each claim records its new paid and is settled', () => {
    const before: Record<string, PaidSoFar> = { A: { paid: '10.00', settled: true }, B: { paid: '3.00', settled: true } };
    const after = applyPayments(before, [
      { claimId: 'A', version: 2, kind: 'ADJUSTED', amount: '-2.50', paid: '7.50', reason: 'CORRECTION' },
      { claimId: 'C', version: 1, kind: 'SETTLED', amount: '0.00', paid: '0.00', reason: 'INITIAL' },
    ]);
    expect(after).toEqual({ A: { paid: '7.50', settled: true }, B: { paid: '3.00', settled: true }, C: { paid: '0.00', settled: true } });
  });

  it('does not mutate the map it is given', () => {
    const before: Record<string, PaidSoFar> = { A: { paid: '10.00', settled: true } };
    applyPayments(before, [{ claimId: 'A', version: 1, kind: 'ADJUSTED', amount: '1.00', paid: '11.00', reason: 'CORRECTION' }]);
    expect(before).toEqual({ A: { paid: '10.00', settled: true } });
  });

  it('given several payments for the same claim, then the last one wins', () => {
    const after = applyPayments({}, [
      { claimId: 'A', version: 1, kind: 'SETTLED', amount: '4.00', paid: '4.00', reason: 'INITIAL' },
      { claimId: 'A', version: 1, kind: 'ADJUSTED', amount: '1.00', paid: '5.00', reason: 'LATE_CLAIM' },
    ]);
    expect(after).toEqual({ A: { paid: '5.00', settled: true } });
  });

  it('round-trips with paymentsFor: once applied, the same targets give nothing', () => {
    const targets = [target('A', '100'), target('B', '0'), target('C', '33.33')];
    const first = paymentsFor(targets, {}, because('INITIAL'));
    expect(first).toHaveLength(3);
    expect(paymentsFor(targets, applyPayments({}, first), because('INITIAL'))).toEqual([]);
  });
});

describe('reasonFromUpstream', () => {
  const expected: Record<ReasonCode, ReasonCode> = {
    INITIAL: 'LATE_CLAIM',
    LATE_CLAIM: 'LATE_CLAIM',
    CORRECTION: 'CORRECTION',
    REVERSAL: 'REVERSAL',
    ELIGIBILITY_GRANTED: 'ELIGIBILITY_GRANTED',
    ELIGIBILITY_REVOKED: 'ELIGIBILITY_REVOKED',
    POLICY_REVISED: 'UPSTREAM_ADJUSTED',
    UPSTREAM_ADJUSTED: 'UPSTREAM_ADJUSTED',
  };

  it('covers every reason code', () => {
    expect(Object.keys(expected).sort()).toEqual([...REASON_CODES].sort());
  });

  it.each(REASON_CODES.map((r) => [r, expected[r]]))('given an upstream %s, then the downstream reason is %s', (upstream, downstream) => {
    expect(reasonFromUpstream(upstream)).toBe(downstream);
  });

  it('given an unknown reason, then it throws', () => {
    expect(() => reasonFromUpstream('SOMETHING_ELSE' as ReasonCode)).toThrow(/unknown reason SOMETHING_ELSE/);
  });
});
