import { Decimal } from 'decimal.js';
import { ZERO } from '@msb/money';

export interface Shares {
  basic: Decimal;
  criticalIllness: Decimal;
  assistance: Decimal;
  selfPay: Decimal;
}

/**
 * What a pending slip shows (结算中): while the payers' latest decisions rest on different revisions
 * of the claim (a correction basic has decided and 大病 or assistance not yet), a later payer's last
 * figure may belong to the earlier version. Shown as it is, the parts could exceed the total and
 * self-pay turn negative. 保险在先、救助在后: each payer is shown no more than the payers before it
 * left of this version's total, and self-pay is the rest — conserved and never negative — until
 * the person-year settles and every figure is the payers' own again.
 */
export function pendingShares(total: Decimal, basic: Decimal, criticalIllness: Decimal, assistance: Decimal): Shares {
  const shownBasic = Decimal.min(basic, total);
  const afterBasic = Decimal.max(ZERO, total.minus(shownBasic));
  const shownCi = Decimal.min(criticalIllness, afterBasic);
  const afterCi = afterBasic.minus(shownCi);
  const shownAssistance = Decimal.min(assistance, afterCi);
  return { basic: shownBasic, criticalIllness: shownCi, assistance: shownAssistance, selfPay: afterCi.minus(shownAssistance) };
}
