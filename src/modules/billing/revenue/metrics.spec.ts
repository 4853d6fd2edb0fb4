import {
  arpaCents,
  averageRatio,
  classifyMovement,
  CurrencyMrrState,
  diffTenantMrr,
  discountCents,
  linearForecast,
  ltv,
  monthBuckets,
  MonthMovements,
  monthFigures,
  MrrSubscription,
  noMovements,
  subscriptionMrrCents,
  tenantMrrByCurrency,
} from './metrics';

const sub = (over: Partial<MrrSubscription> = {}): MrrSubscription => ({
  status: 'active',
  interval: 'month',
  priceOverrideCents: null,
  unitAmountCents: 0,
  seatUnitAmountCents: 0,
  quantity: null,
  perSeat: false,
  ...over,
});

describe('subscriptionMrrCents', () => {
  it('active and past_due count, monthly; annual ÷ 12 rounded half-even once; trial, suspended, cancelled are 0', () => {
    expect(subscriptionMrrCents(sub({ unitAmountCents: 10_000 }))).toBe(10_000);
    expect(subscriptionMrrCents(sub({ status: 'past_due', unitAmountCents: 10_000 }))).toBe(10_000);
    expect(subscriptionMrrCents(sub({ interval: 'year', unitAmountCents: 120_000 }))).toBe(10_000);
    expect(subscriptionMrrCents(sub({ interval: 'year', unitAmountCents: 100_000 }))).toBe(8_333); // 8333.33…
    expect(subscriptionMrrCents(sub({ interval: 'year', unitAmountCents: 100_002 }))).toBe(8_334); // 8333.5 → even 8334
    expect(subscriptionMrrCents(sub({ interval: 'year', unitAmountCents: 100_014 }))).toBe(8_334); // 8334.5 → even 8334
    for (const status of ['trial', 'suspended', 'cancelled'] as const) expect(subscriptionMrrCents(sub({ status, unitAmountCents: 10_000 }))).toBe(0);
  });

  it('prices as the invoice does: base + seats × licenses, per-seat modules, the negotiated override', () => {
    expect(subscriptionMrrCents(sub({ unitAmountCents: 1_000, seatUnitAmountCents: 1_500, quantity: 10 }))).toBe(16_000);
    expect(subscriptionMrrCents(sub({ unitAmountCents: 500, perSeat: true, quantity: 4 }))).toBe(2_000);
    expect(subscriptionMrrCents(sub({ unitAmountCents: 1_000, seatUnitAmountCents: 1_500, quantity: 10, priceOverrideCents: 9_900 }))).toBe(9_900);
  });

  it('a discount applies to the period amount before dividing', () => {
    expect(subscriptionMrrCents(sub({ unitAmountCents: 10_000 }), { percentOff: 25, amountOffCents: null, perInterval: true })).toBe(7_500);
    expect(subscriptionMrrCents(sub({ interval: 'year', unitAmountCents: 120_000 }), { percentOff: '10', amountOffCents: null, perInterval: true })).toBe(9_000);
    // (120000 − 2000) / 12 = 9833.33… → 9833
    expect(subscriptionMrrCents(sub({ interval: 'year', unitAmountCents: 120_000 }), { percentOff: null, amountOffCents: 2_000, perInterval: true })).toBe(9_833);
    expect(discountCents(999, { percentOff: '12.5', amountOffCents: null, perInterval: true })).toBe(125); // 124.875
    expect(discountCents(1_000, { percentOff: null, amountOffCents: 5_000, perInterval: true })).toBe(1_000); // never more than the charge
    expect(discountCents(1_000, null)).toBe(0);
  });

  it('sums per currency, never across currencies', () => {
    const byCurrency = tenantMrrByCurrency([
      { ...sub({ unitAmountCents: 10_000 }), currency: 'USD' },
      { ...sub({ unitAmountCents: 900 }), currency: 'USD' },
      { ...sub({ unitAmountCents: 5_000 }), currency: 'EUR' },
      { ...sub({ status: 'trial', unitAmountCents: 7_000 }), currency: 'GBP' },
    ]);
    expect(Object.fromEntries(byCurrency)).toEqual({ USD: 10_900, EUR: 5_000, GBP: 0 });
  });
});

describe('movement classification (ChartMogul)', () => {
  it('new, expansion, contraction, churn, reactivation; equal is no movement', () => {
    expect(classifyMovement(0, 100, false)).toBe('new');
    expect(classifyMovement(0, 100, true)).toBe('reactivation');
    expect(classifyMovement(100, 150, true)).toBe('expansion');
    expect(classifyMovement(150, 100, true)).toBe('contraction');
    expect(classifyMovement(100, 0, true)).toBe('churn');
    expect(classifyMovement(100, 100, true)).toBeNull();
    expect(classifyMovement(0, 0, false)).toBeNull();
  });

  it('a tenant’s sequence per currency: new, churn, then reactivation (it had MRR before), another currency new', () => {
    let state = new Map<string, CurrencyMrrState>();
    const step = (current: Record<string, number>) => {
      const moves = diffTenantMrr(state, new Map(Object.entries(current)));
      state = new Map([...state, ...moves.map((m) => [m.currency, { mrrCents: m.mrrAfterCents }] as const)]);
      return moves.map((m) => [m.currency, m.kind, m.deltaCents]);
    };
    expect(step({ USD: 10_000 })).toEqual([['USD', 'new', 10_000]]);
    expect(step({ USD: 10_000 })).toEqual([]);
    expect(step({})).toEqual([['USD', 'churn', -10_000]]);
    expect(step({ USD: 5_000, EUR: 2_000 })).toEqual([
      ['EUR', 'new', 2_000],
      ['USD', 'reactivation', 5_000],
    ]);
  });
});

/**
 * The fixture, computed by hand (USD):
 * - A monthly 10,000; B annual 120,000 → 10,000/month; C monthly 5,000; all three new in Dec 2026.
 *   D is in trial on 20,000 → 0 (never paying). So MRR on Jan 1 = 25,000, 3 paying tenants.
 * - January: no movement. Rates 0.
 * - February: A goes from 40 to 50 licenses of 250, 10,000 → 12,500 (expansion +2,500); C cancels (churn −5,000).
 *   MRR on Mar 1 = 22,500, 2 paying tenants.
 *   logo churn = 1 / 3 = 0.3333; gross revenue churn = 5,000 / 25,000 = 0.2000;
 *   net revenue churn = (5,000 − 2,500) / 25,000 = 0.1000; ARPA = 22,500 / 2 = 11,250.
 * - LTV over February alone = 11,250 / 0.2 = 56,250; over Jan–Feb the monthly gross churn
 *   averages (0 + 0.2) / 2 = 0.1, so LTV = 112,500.
 */
describe('month figures, churn, ARPA and LTV on the hand-computed fixture', () => {
  const subs = {
    A: { ...sub({ seatUnitAmountCents: 250, quantity: 40 }), currency: 'USD' }, // 40 licenses × 250
    B: { ...sub({ interval: 'year', unitAmountCents: 120_000 }), currency: 'USD' },
    C: { ...sub({ unitAmountCents: 5_000 }), currency: 'USD' },
    D: { ...sub({ status: 'trial', unitAmountCents: 20_000 }), currency: 'USD' },
  };
  const mrr = (s: (typeof subs)[keyof typeof subs]) => subscriptionMrrCents(s);

  it('the fixture’s MRR: 10,000 + 10,000 + 5,000 + 0 = 25,000', () => {
    expect([mrr(subs.A), mrr(subs.B), mrr(subs.C), mrr(subs.D)]).toEqual([10_000, 10_000, 5_000, 0]);
    expect(tenantMrrByCurrency(Object.values(subs)).get('USD')).toBe(25_000);
  });

  it('January and February figures, and the period’s ARPA and LTV', () => {
    const aAfter = mrr({ ...subs.A, quantity: 50 }) - mrr(subs.A); // 50 licenses × 250 = 12,500: +2,500
    const feb: MonthMovements = { ...noMovements(), expansionCents: aAfter, churnedCents: -mrr(subs.C), churnMovements: 1, churnedTenants: 1 };
    const jan = monthFigures({ mrrCents: 25_000, payingTenants: 3 }, noMovements());
    expect(jan).toMatchObject({ mrrStartCents: 25_000, mrrEndCents: 25_000, netCents: 0, logoChurnRate: '0.0000', grossRevenueChurnRate: '0.0000', netRevenueChurnRate: '0.0000', payingTenantsEnd: 3 });
    const febFigures = monthFigures({ mrrCents: jan.mrrEndCents, payingTenants: jan.payingTenantsEnd }, feb);
    expect(febFigures).toMatchObject({
      mrrStartCents: 25_000,
      mrrEndCents: 22_500,
      netCents: -2_500,
      payingTenantsStart: 3,
      payingTenantsEnd: 2,
      logoChurnRate: '0.3333',
      grossRevenueChurnRate: '0.2000',
      netRevenueChurnRate: '0.1000',
    });
    const arpa = arpaCents(febFigures.mrrEndCents, febFigures.payingTenantsEnd);
    expect(arpa).toBe(11_250);
    expect(ltv(arpa, averageRatio([febFigures.grossRevenueChurnRate]))).toEqual({ ltvCents: 56_250, reason: null });
    expect(averageRatio([jan.grossRevenueChurnRate, febFigures.grossRevenueChurnRate])).toBe('0.1000');
    expect(ltv(arpa, averageRatio([jan.grossRevenueChurnRate, febFigures.grossRevenueChurnRate]))).toEqual({ ltvCents: 112_500, reason: null });
  });

  it('no churn: LTV is null with the reason; no paying tenants: ARPA and LTV are null; rates with a zero denominator are null', () => {
    expect(ltv(11_250, '0.0000')).toEqual({ ltvCents: null, reason: expect.stringContaining('no revenue churn') });
    expect(ltv(11_250, null).ltvCents).toBeNull();
    expect(arpaCents(0, 0)).toBeNull();
    expect(ltv(null, '0.2000')).toEqual({ ltvCents: null, reason: expect.stringContaining('no paying tenants') });
    expect(monthFigures({ mrrCents: 0, payingTenants: 0 }, { ...noMovements(), newCents: 100, newMovements: 1 })).toMatchObject({ logoChurnRate: null, grossRevenueChurnRate: null, mrrEndCents: 100, payingTenantsEnd: 1 });
  });
});

describe('forecast and buckets', () => {
  it('least squares through the last values, extended 3 months, half-even, never below 0', () => {
    expect(linearForecast([100, 200, 300, 400, 500, 600])).toEqual([700, 800, 900]);
    expect(linearForecast([1_000, 1_000])).toEqual([1_000, 1_000, 1_000]);
    // x̄ = 1, ȳ = 16.67, slope = 10 / 2 = 5: 26.67, 31.67, 36.67
    expect(linearForecast([10, 20, 20])).toEqual([27, 32, 37]);
    expect(linearForecast([300, 200, 100])).toEqual([0, 0, 0]);
    expect(linearForecast([4_200])).toEqual([4_200, 4_200, 4_200]);
    expect(linearForecast([])).toEqual([0, 0, 0]);
  });

  it('calendar months of the range, UTC, the first and last cut to it', () => {
    const b = monthBuckets(new Date('2027-01-15T00:00:00Z'), new Date('2027-03-10T00:00:00Z'));
    expect(b.map((x) => [x.month, x.start.toISOString(), x.end.toISOString()])).toEqual([
      ['2027-01', '2027-01-15T00:00:00.000Z', '2027-02-01T00:00:00.000Z'],
      ['2027-02', '2027-02-01T00:00:00.000Z', '2027-03-01T00:00:00.000Z'],
      ['2027-03', '2027-03-01T00:00:00.000Z', '2027-03-10T00:00:00.000Z'],
    ]);
  });
});
