import type { FundSettled } from '@msb/contracts';
import { FundSettlementRecord, sameClose } from './fund-settlement.store';

const settlement: FundSettled = {
  region: '440300',
  year: 2024,
  revision: 1,
  contractRevision: 1,
  premium: '20000.00',
  claimsPaid: '22000.00',
  operatingCost: '1600.00',
  result: '-3600.00',
  allowedProfit: '1000.00',
  surplusReturned: '0.00',
  basicLossShare: '2160.00',
  policyLoss: { reason: 'basic inpatient rate raised', basicPolicyRevision: 2 },
  settledAt: '2025-01-15T08:00:00.000Z',
};
const record = (over: Partial<FundSettled> = {}, paymentsThrough = '41'): FundSettlementRecord => ({
  settlement: { ...settlement, ...over },
  paymentsThrough,
});

describe('whether a close repeats the latest one', () => {
  it('is the same close at another time and revision, whatever order its fields were stored in', () => {
    const stored = Object.fromEntries(Object.entries(settlement).reverse()) as FundSettled; // jsonb keeps its own key order
    expect(sameClose({ settlement: stored, paymentsThrough: '41' }, record({ revision: 2, settledAt: '2025-02-01T00:00:00.000Z' }))).toBe(
      true,
    );
  });

  it('is a new close when a payment was recorded since, even one of 0.00', () => {
    expect(sameClose(record(), record({}, '42'))).toBe(false);
  });

  it('is a new close when a figure, the contract revision or the declaration changed', () => {
    expect(sameClose(record(), record({ claimsPaid: '12000.00' }))).toBe(false);
    expect(sameClose(record(), record({ contractRevision: 2 }))).toBe(false);
    expect(sameClose(record(), record({ policyLoss: null }))).toBe(false);
  });
});
