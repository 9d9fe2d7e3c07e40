import type { Slip } from '../slip.view';
import { settlement2304 } from './settlement-2304.mapper';

/** The seed example (seed 001): 100,000 billed, 80,000 in scope, 20,000 outside it; basic 56,000, 大病 22,000. */
const SEED: Slip = {
  claimId: 'SEED-1',
  personId: 'P1',
  region: '000000',
  year: 2012,
  version: 1,
  status: 'SETTLED',
  total: '100000.00',
  policyScope: '80000.00',
  basic: '56000.00',
  criticalIllness: '22000.00',
  assistance: '0.00',
  selfPay: '22000.00',
  outOfScope: '20000.00',
  deductiblePaid: '0.00',
  notInCatalogue: [],
  adjustments: [],
};

describe('the slip in the national 2304 vocabulary', () => {
  it('maps the seed example: 统筹 56000, 大病 22000, no assistance row, the patient 22000 in cash', () => {
    const { setlinfo, setldetail } = settlement2304(SEED, { visitType: 'INPATIENT' }, '2012-05-20T10:00:00.000Z');
    expect(setlinfo).toEqual({
      setl_id: 'SEED-1.1',
      mdtrt_id: 'SEED-1',
      psn_no: 'P1',
      insutype: '390',
      med_type: '21',
      setl_time: '2012-05-20T10:00:00.000Z',
      medfee_sumamt: '100000.00',
      fulamt_ownpay_amt: '20000.00',
      preselfpay_amt: '0.00',
      inscp_scp_amt: '80000.00',
      act_pay_dedc: '0.00',
      hifp_pay: '56000.00',
      hifmi_pay: '22000.00',
      maf_pay: '0.00',
      fund_pay_sumamt: '78000.00',
      psn_part_amt: '22000.00',
      acct_pay: '0.00',
      psn_cash_pay: '22000.00',
    });
    expect(setldetail).toEqual([
      { fund_pay_type: '390100', fund_pay_type_name: '城乡居民基本医疗保险基金', fund_payamt: '56000.00' },
      { fund_pay_type: '390200', fund_pay_type_name: '城乡居民大病医疗保险资金', fund_payamt: '22000.00' },
    ]);
  });

  it('splits a B item share into 先行自付 and lists assistance when it paid', () => {
    // 1000 billed: 600 A, 400 B at 10 % self-paid (360 in scope, 40 先行自付); basic 672, assistance 100
    const slip: Slip = {
      ...SEED,
      total: '1000.00',
      policyScope: '960.00',
      outOfScope: '0.00',
      basic: '672.00',
      criticalIllness: '0.00',
      assistance: '100.00',
      selfPay: '228.00',
      deductiblePaid: '0.00',
    };
    const { setlinfo, setldetail } = settlement2304(slip, { visitType: 'OUTPATIENT_CHRONIC' }, 't');
    expect(setlinfo).toMatchObject({ med_type: '14', preselfpay_amt: '40.00', fund_pay_sumamt: '772.00', psn_part_amt: '228.00' });
    expect(setldetail.map((d) => d.fund_pay_type)).toEqual(['390100', '610100']);
  });

  it('medfee = 全自费 + 先行自付 + 符合范围 and fund + personal = medfee, on every slip', () => {
    for (const [total, scope, out, basic, ci, assistance] of [
      ['12345.67', '10000.01', '1000.00', '7000.00', '123.45', '0.00'],
      ['0.01', '0.01', '0.00', '0.00', '0.00', '0.00'],
      ['500.00', '0.00', '500.00', '0.00', '0.00', '0.00'],
    ]) {
      const selfPay = (Math.round(Number(total) * 100) - Math.round((Number(basic) + Number(ci) + Number(assistance)) * 100)) / 100;
      const { setlinfo: s } = settlement2304(
        { ...SEED, total, policyScope: scope, outOfScope: out, basic, criticalIllness: ci, assistance, selfPay: selfPay.toFixed(2) },
        { visitType: 'OUTPATIENT' },
        't',
      );
      const cents = (v: string) => Math.round(Number(v) * 100);
      expect(cents(s.fulamt_ownpay_amt) + cents(s.preselfpay_amt) + cents(s.inscp_scp_amt)).toBe(cents(s.medfee_sumamt));
      expect(cents(s.fund_pay_sumamt) + cents(s.psn_part_amt)).toBe(cents(s.medfee_sumamt));
      expect(s.psn_cash_pay).toBe(s.psn_part_amt);
    }
  });
});
