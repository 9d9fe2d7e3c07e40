import { money, print, ZERO } from '@msb/money';
import { assertConservation } from '@msb/settlement';
import type { Slip } from '../slip.view';

/** 险种类型 insutype: 390 城乡居民基本医疗保险. */
export const INSUTYPE_RESIDENT = '390';

/** 基金支付类型 fund_pay_type, from the national fund-type code list (医保信息业务编码). */
export const FUND_PAY_TYPES = {
  basic: { code: '390100', name: '城乡居民基本医疗保险基金' },
  criticalIllness: { code: '390200', name: '城乡居民大病医疗保险资金' },
  assistance: { code: '610100', name: '医疗救助基金' },
} as const;

/** 医疗类别 med_type: 11 普通门诊, 14 门诊慢特病, 21 普通住院. */
const MED_TYPES: Record<string, string> = { OUTPATIENT: '11', OUTPATIENT_CHRONIC: '14', INPATIENT: '21' };

export interface SetlInfo {
  setl_id: string;
  mdtrt_id: string;
  psn_no: string;
  insutype: string;
  med_type: string;
  setl_time: string;
  medfee_sumamt: string;
  fulamt_ownpay_amt: string;
  preselfpay_amt: string;
  inscp_scp_amt: string;
  act_pay_dedc: string;
  hifp_pay: string;
  hifmi_pay: string;
  maf_pay: string;
  fund_pay_sumamt: string;
  psn_part_amt: string;
  acct_pay: string;
  psn_cash_pay: string;
}

export interface SetlDetail {
  fund_pay_type: string;
  fund_pay_type_name: string;
  fund_payamt: string;
}

export interface Settlement2304 {
  setlinfo: SetlInfo;
  setldetail: SetlDetail[];
}

/**
 * The slip in the national platform's 2304 (结算) vocabulary (docs/NATIONAL.md):
 * medfee_sumamt = fulamt_ownpay_amt (全自费) + preselfpay_amt (先行自付) + inscp_scp_amt (符合范围);
 * fund_pay_sumamt = hifp_pay + hifmi_pay + maf_pay; psn_part_amt = medfee_sumamt − fund_pay_sumamt.
 * There is no personal account here: acct_pay 0, psn_cash_pay = psn_part_amt. setldetail lists each
 * fund that paid (a fund at 0 is not listed). Money stays a two-decimal string, as on every route.
 */
export function settlement2304(slip: Slip, claim: { visitType: string }, settledAt: string): Settlement2304 {
  const total = money(slip.total);
  const outOfScope = money(slip.outOfScope);
  const scope = money(slip.policyScope);
  const funds = { basic: money(slip.basic), criticalIllness: money(slip.criticalIllness), assistance: money(slip.assistance) };
  const fundSum = funds.basic.plus(funds.criticalIllness).plus(funds.assistance);
  const personal = total.minus(fundSum);
  // the same identity the slip holds (total = basic + 大病 + assistance + self-pay, none negative)
  assertConservation({ claimId: slip.claimId, total, ...funds, selfPay: personal });
  const preSelfPay = total.minus(outOfScope).minus(scope);
  if (preSelfPay.lt(ZERO)) throw new Error(`claim ${slip.claimId}: scope and out-of-scope exceed the total`);
  const setldetail = (Object.keys(FUND_PAY_TYPES) as (keyof typeof FUND_PAY_TYPES)[])
    .filter((payer) => funds[payer].gt(ZERO))
    .map((payer) => ({
      fund_pay_type: FUND_PAY_TYPES[payer].code,
      fund_pay_type_name: FUND_PAY_TYPES[payer].name,
      fund_payamt: print(funds[payer]),
    }));
  return {
    setlinfo: {
      setl_id: `${slip.claimId}.${slip.version}`,
      mdtrt_id: slip.claimId,
      psn_no: slip.personId,
      insutype: INSUTYPE_RESIDENT,
      med_type: MED_TYPES[claim.visitType] ?? '',
      setl_time: settledAt,
      medfee_sumamt: print(total),
      fulamt_ownpay_amt: print(outOfScope),
      preselfpay_amt: print(preSelfPay),
      inscp_scp_amt: print(scope),
      act_pay_dedc: slip.deductiblePaid,
      hifp_pay: print(funds.basic),
      hifmi_pay: print(funds.criticalIllness),
      maf_pay: print(funds.assistance),
      fund_pay_sumamt: print(fundSum),
      psn_part_amt: print(personal),
      acct_pay: '0.00',
      psn_cash_pay: print(personal),
    },
    setldetail,
  };
}
