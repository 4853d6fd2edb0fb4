import type { SubscriptionHistory } from './entities/subscription-history.entity';
import { replayHistory } from './mrr-rebuild.service';
import { sameSnapshot, snapshotDifferences } from './snapshots';

let seq = 0;
/** A history row of a monthly USD subscription (defaults: active plan, 10 licenses of 1,000). */
const row = (over: Partial<SubscriptionHistory> & Pick<SubscriptionHistory, 'changeId' | 'subscriptionId'>): SubscriptionHistory => {
  seq += 1;
  return {
    id: `h${seq}`,
    seq,
    tenantId: 't',
    validFrom: new Date('2027-01-01T00:00:00Z'),
    kind: 'plan',
    itemCode: 'growth',
    status: 'active',
    previousStatus: null,
    interval: 'month',
    quantity: 10,
    perSeat: false,
    unitAmountCents: 0,
    seatUnitAmountCents: 1_000,
    priceOverrideCents: null,
    currency: 'USD',
    discount: null,
    cause: 'test',
    createdAt: new Date(),
    updatedAt: new Date(),
    ...over,
  };
};

describe('replayHistory (the rebuild’s replay of the subscription history)', () => {
  it('one movement per recording and currency, from the latest snapshot of every subscription', () => {
    const at = (d: string) => new Date(`2027-${d}T00:00:00Z`);
    const replay = replayHistory([
      row({ changeId: 'c1', subscriptionId: 'plan', validFrom: at('01-01') }), // new 10,000
      row({ changeId: 'c2', subscriptionId: 'plan', validFrom: at('01-15'), quantity: 15 }), // expansion +5,000
      row({ changeId: 'c3', subscriptionId: 'mod', validFrom: at('02-01'), kind: 'module', quantity: 1, seatUnitAmountCents: 0, unitAmountCents: 2_000 }), // +2,000
      row({ changeId: 'c4', subscriptionId: 'plan', validFrom: at('03-01'), status: 'cancelled', quantity: 15 }), // −15,000
      row({ changeId: 'c4', subscriptionId: 'mod', validFrom: at('03-01'), kind: 'module', status: 'cancelled', quantity: 1, seatUnitAmountCents: 0, unitAmountCents: 2_000 }), // churn (same recording)
      row({ changeId: 'c5', subscriptionId: 'plan', validFrom: at('04-01'), quantity: 15 }), // reactivation 15,000
      row({ changeId: 'c6', subscriptionId: 'eur', validFrom: at('04-02'), currency: 'EUR', quantity: 1 }), // new in EUR
    ]);
    expect(replay.expected.map((m) => [m.changeId, m.currency, m.kind, m.mrrBeforeCents, m.mrrAfterCents, m.subscriptionId])).toEqual([
      ['c1', 'USD', 'new', 0, 10_000, 'plan'],
      ['c2', 'USD', 'expansion', 10_000, 15_000, 'plan'],
      ['c3', 'USD', 'expansion', 15_000, 17_000, 'mod'],
      ['c4', 'USD', 'churn', 17_000, 0, 'plan'],
      ['c5', 'USD', 'reactivation', 0, 15_000, 'plan'],
      ['c6', 'EUR', 'new', 0, 1_000, 'eur'],
    ]);
    expect(replay.expected[3].occurredAt).toEqual(at('03-01'));
    expect(Object.fromEntries([...replay.state].map(([c, s]) => [c, s.mrrCents]))).toEqual({ USD: 15_000, EUR: 1_000 });
  });

  it('a recording that moves no MRR (a trial, a status with no MRR either side) implies no movement', () => {
    const replay = replayHistory([
      row({ changeId: 'a', subscriptionId: 'p', status: 'trial' }),
      row({ changeId: 'b', subscriptionId: 'p', status: 'cancelled', previousStatus: 'trial' }),
    ]);
    expect(replay.expected).toEqual([]);
    expect(replay.state.size).toBe(0);
  });

  it('snapshots compare every priced column and the discount by value', () => {
    const [a] = [row({ changeId: 'x', subscriptionId: 's' })];
    const snap = replayHistory([a]).snapshots.get('s')!;
    expect(sameSnapshot(snap, { ...snap })).toBe(true);
    expect(snapshotDifferences(snap, { ...snap, quantity: 11, priceOverrideCents: 500 })).toEqual(['quantity', 'priceOverrideCents']);
    expect(snapshotDifferences(snap, { ...snap, discount: { percentOff: '10', amountOffCents: null, perInterval: true } })).toEqual(['discount']);
    expect(sameSnapshot({ ...snap, discount: { percentOff: 10, amountOffCents: null, perInterval: true } }, { ...snap, discount: { percentOff: '10', amountOffCents: null, perInterval: true } })).toBe(true);
  });
});
