import { stay, TestLog, twoPersonYears, visit } from '../analysis/test-log.spec-helper';
import { DEFAULT_THRESHOLDS, Flag, fraudFlags, integrityFlags, RuleCode } from './flag.rules';

const PY_RE = '440300|P-RE|2024';
const PY_2 = '440300|P-2|2024';

const fraud = (log: TestLog, thresholds = DEFAULT_THRESHOLDS) => fraudFlags(log.index(), thresholds);
const ofType = (flags: Flag[], type: RuleCode) => flags.filter((f) => f.type === type);
const types = (flags: Flag[]) => flags.map((f) => f.type);

const addDays = (date: string, n: number) => new Date(Date.parse(date) + n * 86_400_000).toISOString().slice(0, 10);

describe('fraudFlags', () => {
  it('given the consistent two person-year log, then no fraud pattern is flagged', () => {
    expect(fraud(twoPersonYears())).toEqual([]);
  });

  describe('DUPLICATE_CLAIM (重复收费)', () => {
    it('given two claims of the same person, hospital, dates and total, then one flag names both claims with both submissions as evidence', () => {
      const log = new TestLog();
      const first = log.claim(visit('D-1', 'P-D', '2024-05-06', { total: '420.50' }));
      const second = log.claim(visit('D-2', 'P-D', '2024-05-06', { total: '420.50' }));

      const flags = fraud(log);

      expect(flags).toEqual([
        {
          type: 'DUPLICATE_CLAIM',
          category: 'FRAUD',
          personId: 'P-D',
          claimIds: ['D-1', 'D-2'],
          detail: expect.stringContaining('420.50'),
          evidence: [log.evidenceOf(first), log.evidenceOf(second)],
        },
      ]);
    });

    it('given the same stay billed twice as an inpatient claim, then it is a duplicate (and, of course, two stays at once)', () => {
      const log = new TestLog();
      log.claim(stay('D-1', 'P-D', '2024-05-01', '2024-05-06'));
      log.claim(stay('D-2', 'P-D', '2024-05-01', '2024-05-06'));

      const flags = fraud(log);

      expect(ofType(flags, 'DUPLICATE_CLAIM').map((f) => f.claimIds)).toEqual([['D-1', 'D-2']]);
      expect(types(flags).sort()).toEqual(['DUPLICATE_CLAIM', 'OVERLAPPING_STAYS']);
    });

    it.each([
      ['another total', visit('D-2', 'P-D', '2024-05-06', { total: '420.51' })],
      ['another date', visit('D-2', 'P-D', '2024-05-07', { total: '420.50' })],
      ['another hospital', visit('D-2', 'P-D', '2024-05-06', { total: '420.50', hospital: 'H-TOWN-2' })],
      ['another person', visit('D-2', 'P-X', '2024-05-06', { total: '420.50' })],
    ])('given a second claim with %s, then nothing is flagged', (_, second) => {
      const log = new TestLog();
      log.claim(visit('D-1', 'P-D', '2024-05-06', { total: '420.50' }));
      log.claim(second);

      expect(fraud(log)).toEqual([]);
    });

    it('given the duplicate was reversed, then it is not counted', () => {
      const log = new TestLog();
      log.claim(visit('D-1', 'P-D', '2024-05-06', { total: '420.50' }));
      log.claim(visit('D-2', 'P-D', '2024-05-06', { total: '420.50' }));
      log.reverse('D-2');

      expect(fraud(log)).toEqual([]);
    });

    it('given three copies of which one was reversed, then the flag names only the two live ones', () => {
      const log = new TestLog();
      log.claim(visit('D-1', 'P-D', '2024-05-06', { total: '420.50' }));
      log.claim(visit('D-2', 'P-D', '2024-05-06', { total: '420.50' }));
      log.claim(visit('D-3', 'P-D', '2024-05-06', { total: '420.50' }));
      log.reverse('D-1');

      expect(fraud(log).map((f) => [f.type, f.claimIds])).toEqual([['DUPLICATE_CLAIM', ['D-2', 'D-3']]]);
    });

    it('given a duplicate corrected to its real amount, then the latest version counts and nothing is flagged', () => {
      const log = new TestLog();
      log.claim(visit('D-1', 'P-D', '2024-05-06', { total: '420.50' }));
      log.claim(visit('D-2', 'P-D', '2024-05-06', { total: '420.50' }));
      log.claim(visit('D-2', 'P-D', '2024-05-06', { total: '86.00' }));

      expect(fraud(log)).toEqual([]);
    });
  });

  describe('OVERLAPPING_STAYS', () => {
    it('given a stay at a second hospital that begins before the first stay ended, then both claims are flagged with their submissions as evidence', () => {
      const log = new TestLog();
      const a = log.claim(stay('O-1', 'P-O', '2024-04-01', '2024-04-10', { hospital: 'H-CITY-3', diagnosis: ['K35.8'] }));
      const b = log.claim(stay('O-2', 'P-O', '2024-04-05', '2024-04-08', { hospital: 'H-COUNTY-2', diagnosis: ['S72.0'] }));

      expect(fraud(log)).toEqual([
        {
          type: 'OVERLAPPING_STAYS',
          category: 'FRAUD',
          personId: 'P-O',
          claimIds: ['O-1', 'O-2'],
          detail: expect.any(String),
          evidence: [log.evidenceOf(a), log.evidenceOf(b)],
        },
      ]);
    });

    it('given a transfer admitted on the day of discharge, then the stays do not overlap', () => {
      const log = new TestLog();
      log.claim(stay('O-1', 'P-O', '2024-04-01', '2024-04-10', { diagnosis: ['K35.8'] }));
      log.claim(stay('O-2', 'P-O', '2024-04-10', '2024-04-12', { hospital: 'H-COUNTY-2', diagnosis: ['S72.0'] }));

      expect(fraud(log)).toEqual([]);
    });

    it('given overlapping stays of two different people, then nothing is flagged', () => {
      const log = new TestLog();
      log.claim(stay('O-1', 'P-O', '2024-04-01', '2024-04-10', { diagnosis: ['K35.8'] }));
      log.claim(stay('O-2', 'P-Q', '2024-04-05', '2024-04-08', { diagnosis: ['S72.0'] }));

      expect(fraud(log)).toEqual([]);
    });
  });

  describe('SPLIT_ADMISSION (分解住院)', () => {
    const readmitted = (days: number, diagnosis: string) => {
      const log = new TestLog();
      log.claim(stay('S-1', 'P-S', '2024-06-01', '2024-06-10', { diagnosis: ['I63.9', 'I10'] }));
      log.claim(stay('S-2', 'P-S', addDays('2024-06-10', days), addDays('2024-06-10', days + 7), { diagnosis: [diagnosis] }));
      return log;
    };

    it('given a readmission with the same diagnosis 10 days after discharge, then both stays are flagged', () => {
      const flags = fraud(readmitted(10, 'I63.9'));

      expect(flags).toEqual([
        expect.objectContaining({
          type: 'SPLIT_ADMISSION',
          personId: 'P-S',
          claimIds: ['S-1', 'S-2'],
          detail: expect.stringContaining('10 days'),
        }),
      ]);
      expect(flags[0].detail).toContain('I63.9');
    });

    it('given the readmission shares a secondary diagnosis, then it is flagged too', () => {
      expect(types(fraud(readmitted(10, 'I10')))).toEqual(['SPLIT_ADMISSION']);
    });

    it.each([
      [15, true],
      [16, false],
      [20, false],
    ])('given a readmission with the same diagnosis %i days after discharge, then flagged = %s (threshold 15 days)', (days, flagged) => {
      expect(types(fraud(readmitted(days, 'I63.9')))).toEqual(flagged ? ['SPLIT_ADMISSION'] : []);
    });

    it('given a readmission 10 days after discharge with a different diagnosis, then nothing is flagged', () => {
      expect(fraud(readmitted(10, 'S72.0'))).toEqual([]);
    });

    it('given a readmission 20 days after discharge and a threshold of 30 days, then it is flagged', () => {
      expect(types(fraud(readmitted(20, 'I63.9'), { ...DEFAULT_THRESHOLDS, splitAdmissionDays: 30 }))).toEqual(['SPLIT_ADMISSION']);
    });
  });

  describe('IMPLAUSIBLE_LENGTH_OF_STAY (挂床住院)', () => {
    it('given a stay of 105 days (more than 90), then it is flagged', () => {
      const log = new TestLog();
      const e = log.claim(stay('L-1', 'P-L', '2024-01-01', '2024-04-15'));

      expect(fraud(log)).toEqual([
        {
          type: 'IMPLAUSIBLE_LENGTH_OF_STAY',
          category: 'FRAUD',
          personId: 'P-L',
          claimIds: ['L-1'],
          detail: expect.stringContaining('105 days'),
          evidence: [log.evidenceOf(e)],
        },
      ]);
    });

    it('given a stay of exactly 90 days, then it is not flagged', () => {
      const log = new TestLog();
      log.claim(stay('L-1', 'P-L', '2024-01-01', '2024-03-31'));

      expect(fraud(log)).toEqual([]);
    });

    it('given a stay of 40 days and a threshold of 30 days, then it is flagged', () => {
      const log = new TestLog();
      log.claim(stay('L-1', 'P-L', '2024-01-01', '2024-02-10'));

      expect(types(fraud(log, { ...DEFAULT_THRESHOLDS, maxLengthOfStayDays: 30 }))).toEqual(['IMPLAUSIBLE_LENGTH_OF_STAY']);
    });
  });

  describe('IMPLAUSIBLE_ADMISSIONS', () => {
    /** Short stays four weeks apart (no split admissions), all in 2024. */
    const admissions = (n: number, personId = 'P-A') => {
      const log = new TestLog();
      for (let i = 0; i < n; i++) log.claim(stay(`A-${i + 1}`, personId, addDays('2024-01-02', 28 * i), addDays('2024-01-04', 28 * i)));
      return log;
    };

    it('given 13 admissions in 2024 (more than 12), then one flag names all 13 claims', () => {
      const flags = fraud(admissions(13));

      expect(flags).toHaveLength(1);
      expect(flags[0]).toMatchObject({
        type: 'IMPLAUSIBLE_ADMISSIONS',
        personId: 'P-A',
        detail: expect.stringContaining('13 admissions in 2024'),
      });
      expect(flags[0].claimIds).toEqual(Array.from({ length: 13 }, (_, i) => `A-${i + 1}`));
      expect(flags[0].evidence).toHaveLength(13);
    });

    it('given 12 admissions in 2024, then nothing is flagged', () => {
      expect(fraud(admissions(12))).toEqual([]);
    });

    it('given 13 admissions of which one was reversed, then nothing is flagged', () => {
      const log = admissions(13);
      log.reverse('A-7');

      expect(fraud(log)).toEqual([]);
    });

    it('given 13 admissions spread over two years, then each year is counted on its own', () => {
      const log = new TestLog();
      for (let i = 0; i < 13; i++) log.claim(stay(`A-${i + 1}`, 'P-A', addDays('2023-07-03', 28 * i), addDays('2023-07-05', 28 * i)));

      expect(fraud(log)).toEqual([]);
    });
  });

  describe('AMOUNT_OUTLIER (far above peers of the same diagnosis, hospital level and visit type)', () => {
    /** `peers` pneumonia stays at level-2 hospitals, totals 8000, 8100, …, one person each. */
    const withPeers = (peers: number) => {
      const log = new TestLog();
      for (let i = 0; i < peers; i++) {
        log.claim(
          stay(`N-${i + 1}`, `P-N${i + 1}`, '2024-03-01', '2024-03-08', {
            hospital: 'H-COUNTY-2',
            diagnosis: ['J18.9'],
            total: String(8000 + 100 * i),
          }),
        );
      }
      return log;
    };

    it('given one total of 80,000 among 25 peers around 9,000, then only that claim is flagged', () => {
      const log = withPeers(25);
      const e = log.claim(
        stay('N-X', 'P-NX', '2024-03-01', '2024-03-08', { hospital: 'H-COUNTY-2', diagnosis: ['J18.9'], total: '80000' }),
      );

      expect(fraud(log)).toEqual([
        {
          type: 'AMOUNT_OUTLIER',
          category: 'FRAUD',
          personId: 'P-NX',
          claimIds: ['N-X'],
          detail: expect.stringContaining('26 peers'),
          evidence: [log.evidenceOf(e)],
        },
      ]);
    });

    it('given the same total among 18 peers (19 claims, fewer than 20), then nothing is flagged', () => {
      const log = withPeers(18);
      log.claim(stay('N-X', 'P-NX', '2024-03-01', '2024-03-08', { hospital: 'H-COUNTY-2', diagnosis: ['J18.9'], total: '80000' }));

      expect(fraud(log)).toEqual([]);
    });

    it('given 25 peers and outlierMinPeers 30, then nothing is flagged', () => {
      const log = withPeers(25);
      log.claim(stay('N-X', 'P-NX', '2024-03-01', '2024-03-08', { hospital: 'H-COUNTY-2', diagnosis: ['J18.9'], total: '80000' }));

      expect(fraud(log, { ...DEFAULT_THRESHOLDS, outlierMinPeers: 30 })).toEqual([]);
    });

    it('given the expensive stay was at a level-3 hospital, then it has no level-2 peers and is not flagged', () => {
      const log = withPeers(25);
      log.claim(stay('N-X', 'P-NX', '2024-03-01', '2024-03-08', { hospital: 'H-CITY-3', diagnosis: ['J18.9'], total: '80000' }));

      expect(fraud(log)).toEqual([]);
    });

    it('given a total only moderately above the peers (10,900), then it is not flagged', () => {
      const log = withPeers(25);
      log.claim(stay('N-X', 'P-NX', '2024-03-01', '2024-03-08', { hospital: 'H-COUNTY-2', diagnosis: ['J18.9'], total: '10900' }));

      expect(fraud(log)).toEqual([]);
    });
  });

  describe('ASSISTANCE_WITHOUT_ELIGIBILITY', () => {
    it('given the grant the last assistance decision names starts after RE-1 (2024-01-15), then the assistance paid on RE-1 is flagged, not RE-2', () => {
      const log = twoPersonYears();
      const granted = log.find('assistance.EligibilityGranted')[0];
      granted.data.windows[0].validFrom = '2024-02-01';
      const last = log.decision('assistance.PersonYearDecided', PY_RE, 3);

      expect(fraud(log)).toEqual([
        {
          type: 'ASSISTANCE_WITHOUT_ELIGIBILITY',
          category: 'FRAUD',
          personId: 'P-RE',
          claimIds: ['RE-1'],
          detail: expect.stringContaining('2024-01-15'),
          evidence: [log.evidenceOf(last)],
        },
      ]);
    });

    it('given the last assistance decision names eligibility revision 0 (no grants) but pays, then both paid claims are flagged', () => {
      const log = twoPersonYears();
      log.decision('assistance.PersonYearDecided', PY_RE, 3).data.eligibilityRevision = 0;

      expect(fraud(log).map((f) => [f.type, f.claimIds])).toEqual([
        ['ASSISTANCE_WITHOUT_ELIGIBILITY', ['RE-1']],
        ['ASSISTANCE_WITHOUT_ELIGIBILITY', ['RE-2']],
      ]);
    });
  });
});

describe('integrityFlags', () => {
  it('given the consistent two person-year log, then nothing is flagged', () => {
    expect(integrityFlags(twoPersonYears().index())).toEqual([]);
  });

  describe('PAYMENT_ON_REVERSED_CLAIM', () => {
    it('given the decision after the reversal of P2-2 lists it as REVERSED but still leaves basic 780 on it, then it is flagged with the reversal and the decision as evidence', () => {
      const log = twoPersonYears();
      const reversal = log.find('basic.ClaimReversed')[0];
      const after = log.decision('basic.PersonYearDecided', PY_2, 4);
      const claim = after.data.claims.find((c) => c.claimId === 'P2-2')!;
      expect(claim).toMatchObject({ status: 'REVERSED', basic: '0.00' });
      claim.basic = '780.00';
      after.data.payments = []; // no claw-back: what was paid stays paid

      expect(integrityFlags(log.index())).toEqual([
        {
          type: 'PAYMENT_ON_REVERSED_CLAIM',
          category: 'INTEGRITY',
          personId: 'P-2',
          claimIds: ['P2-2'],
          detail: expect.stringContaining('leaves 780.00'),
          evidence: [expect.objectContaining(log.evidenceOf(reversal)), log.evidenceOf(after)],
        },
      ]);
    });

    it('given a 大病 decision that knows P2-2 as reversed pays a positive amount on it, then it is flagged', () => {
      const log = twoPersonYears();
      const after = log.decision('critical-illness.PersonYearDecided', PY_2, 4);
      after.data.payments.push({ claimId: 'P2-2', version: 2, kind: 'ADJUSTED', amount: '100.00', paid: '100.00', reason: 'REVERSAL' });

      const flags = integrityFlags(log.index());

      expect(ofType(flags, 'PAYMENT_ON_REVERSED_CLAIM')).toEqual([
        expect.objectContaining({ personId: 'P-2', claimIds: ['P2-2'], detail: expect.stringContaining('criticalIllness paid 100.00') }),
      ]);
    });
  });

  describe('ASSISTANCE_BEFORE_CRITICAL_ILLNESS (保险在先、救助在后)', () => {
    it('given the last assistance decision names a 大病 revision that is not in the log, then it is flagged with that decision as evidence', () => {
      const log = twoPersonYears();
      const last = log.decision('assistance.PersonYearDecided', PY_RE, 3);
      last.data.criticalIllnessRevision = 9;

      expect(integrityFlags(log.index())).toEqual([
        {
          type: 'ASSISTANCE_BEFORE_CRITICAL_ILLNESS',
          category: 'INTEGRITY',
          personId: 'P-RE',
          claimIds: ['RE-1', 'RE-2'],
          detail: expect.stringContaining('revision 9, which is not in the log'),
          evidence: [log.evidenceOf(last)],
        },
      ]);
    });

    it('given the assistance decision was recorded before the 大病 decision it names, then it is flagged with both decisions as evidence', () => {
      const log = twoPersonYears();
      const ci = log.decision('critical-illness.PersonYearDecided', PY_RE, 3);
      const assistance = log.decision('assistance.PersonYearDecided', PY_RE, 3);
      const reordered = log.envelopes.filter((e) => e !== assistance);
      reordered.splice(reordered.indexOf(ci), 0, assistance);

      const flags = integrityFlags(log.index(reordered));

      expect(flags).toEqual([
        {
          type: 'ASSISTANCE_BEFORE_CRITICAL_ILLNESS',
          category: 'INTEGRITY',
          personId: 'P-RE',
          claimIds: ['RE-1', 'RE-2'],
          detail: expect.stringContaining('before the 大病 decision'),
          evidence: [log.evidenceOf(assistance, reordered), log.evidenceOf(ci, reordered)],
        },
      ]);
    });

    it('given the assistance decision names claim versions other than the 大病 decision it names, then it is flagged', () => {
      const log = twoPersonYears();
      const last = log.decision('assistance.PersonYearDecided', PY_2, 4);
      last.data.claims.find((c) => c.claimId === 'P2-2')!.version = 1;

      expect(integrityFlags(log.index()).map((f) => [f.type, f.personId, f.detail])).toEqual([
        ['ASSISTANCE_BEFORE_CRITICAL_ILLNESS', 'P-2', 'assistance decided other claim versions than the 大病 decision it names'],
      ]);
    });
  });

  describe('CONSERVATION', () => {
    it('given assistance on RE-2 raised by 1000 (payments included), then basic + 大病 + assistance exceed the total and the three last decisions are the evidence', () => {
      const log = twoPersonYears();
      const last = log.decision('assistance.PersonYearDecided', PY_RE, 3);
      const claim = last.data.claims.find((c) => c.claimId === 'RE-2')!;
      const payment = last.data.payments.find((p) => p.claimId === 'RE-2')!;
      expect([claim.assistance, payment.amount]).toEqual(['8148.00', '8148.00']); // 65000 − 41720 − 15132: nothing left to the patient
      claim.assistance = '9148.00';
      payment.amount = '9148.00';
      payment.paid = '9148.00';

      expect(integrityFlags(log.index())).toEqual([
        {
          type: 'CONSERVATION',
          category: 'INTEGRITY',
          personId: 'P-RE',
          claimIds: ['RE-2'],
          detail: 'basic 41720.00 + 大病 15132.00 + assistance 9148.00 exceeds the total 65000.00',
          evidence: [
            log.evidenceOf(log.decision('basic.PersonYearDecided', PY_RE, 2)),
            log.evidenceOf(log.decision('critical-illness.PersonYearDecided', PY_RE, 3)),
            log.evidenceOf(last),
          ],
        },
      ]);
    });

    it('given the three payers pay exactly the total (self-pay 0 on RE-2), then conservation holds', () => {
      const log = twoPersonYears();
      const flags = integrityFlags(log.index());
      expect(ofType(flags, 'CONSERVATION')).toEqual([]);
    });
  });

  describe('ADJUSTMENTS_MISMATCH', () => {
    it("given basic's settlement payment on RE-1 recorded as 33704 while its last decision says 33740, then it is flagged with the paying decisions as evidence", () => {
      const log = twoPersonYears();
      const first = log.decision('basic.PersonYearDecided', PY_RE, 1);
      first.data.payments[0].amount = '33704.00';

      expect(integrityFlags(log.index())).toEqual([
        {
          type: 'ADJUSTMENTS_MISMATCH',
          category: 'INTEGRITY',
          personId: 'P-RE',
          claimIds: ['RE-1'],
          detail: "basic's payments on the claim add up to 33704.00, its last decision says 33740.00",
          evidence: [log.evidenceOf(first)],
        },
      ]);
    });

    it("given the claw-back of 大病 on the reversed P2-2 is missing, then 大病's payments add up to 252 where its last decision says 0", () => {
      const log = twoPersonYears();
      const after = log.decision('critical-illness.PersonYearDecided', PY_2, 4);
      expect(after.data.payments).toEqual([
        expect.objectContaining({ claimId: 'P2-2', amount: '-252.00', paid: '0.00', reason: 'REVERSAL' }),
      ]);
      after.data.payments = [];

      expect(integrityFlags(log.index()).map((f) => [f.type, f.claimIds, f.detail])).toEqual([
        ['ADJUSTMENTS_MISMATCH', ['P2-2'], "criticalIllness's payments on the claim add up to 252.00, its last decision says 0.00"],
      ]);
    });
  });
});
