import { computeHealth, riskOf, TenantHealthFacts } from './health-model';

const base: TenantHealthFacts = {
  signIns30d: 40,
  signInsPrev30d: 40,
  activeUsers30d: 8,
  userAccounts: 10,
  seatsUsed: 8,
  seatLimit: 10,
  meteredUsage30d: 1000,
  meteredUsagePrev30d: 900,
  failedPayments30d: 0,
  pastDueInvoices: 0,
  trialDaysLeft: null,
  supportTouches30d: 0,
  webhookEndpoints: 1,
  failingWebhookEndpoints: 0,
};

describe('tenant health model v1 (hand-computed fixtures)', () => {
  it('a healthy tenant: 100 × (20 + 15×0.8 + 10 + 15 + 20 + 5 + 5) / 90 = 96.7 → 97, low risk; the trial does not apply', () => {
    const h = computeHealth(base);
    expect(h).toMatchObject({ score: 97, risk: 'low', modelVersion: 'v1' });
    expect(h.signals.find((s) => s.name === 'trial')).toMatchObject({ value: null, weight: 0, contribution: 0, loss: 0 });
    // active_users carries 15/90 of the score: 16.7 points, 0.8 of them earned.
    expect(h.signals.find((s) => s.name === 'active_users')).toMatchObject({ value: 0.8, weight: 16.7, contribution: 13.3, loss: 3.3 });
    expect(h.topReason).toMatch(/^active_users: 8 of 10 active users signed in within 30 days \(80 %\)/);
    expect(h.signals.reduce((s, x) => s + x.weight, 0)).toBeCloseTo(100, 0);
  });

  it('a tenant at risk: (20×0.1 + 15×0.1 + 10×0.2 + 0 + 0 + 5×0.4 + 5×0.5) / 90 = 11.1 → 11, high; payments are the top reason', () => {
    const h = computeHealth({
      ...base,
      signIns30d: 3,
      signInsPrev30d: 30,
      activeUsers30d: 1,
      seatsUsed: 2,
      seatLimit: 20,
      meteredUsage30d: 0,
      meteredUsagePrev30d: 500,
      failedPayments30d: 2,
      pastDueInvoices: 1,
      supportTouches30d: 3,
      webhookEndpoints: 2,
      failingWebhookEndpoints: 1,
    });
    expect(h).toMatchObject({ score: 11, risk: 'high' });
    expect(Object.fromEntries(h.signals.map((s) => [s.name, s.value]))).toEqual({
      sign_in_trend: 0.1,
      active_users: 0.1,
      seat_utilisation: 0.2,
      module_usage: 0,
      payments: 0,
      trial: null,
      support_load: 0.4,
      webhooks: 0.5,
    });
    expect(h.topReason).toBe('payments: 2 failed payments in 30 days, 1 past-due invoice open.');
    expect(h.signals.find((s) => s.name === 'sign_in_trend')!.explanation).toContain('3 sign-ins in the last 30 days vs 30 in the 30 days before (−90 %)');
  });

  it('a trial tenant: (20×0.5 + 15×0.25 + 20 + 10×2/7 + 5) / 70 = 59.4 → 59, medium; unlimited seats, no metering and no webhooks are not scored', () => {
    const h = computeHealth({ ...base, signIns30d: 5, signInsPrev30d: 10, activeUsers30d: 1, userAccounts: 4, seatLimit: null, meteredUsage30d: 0, meteredUsagePrev30d: 0, trialDaysLeft: 2, webhookEndpoints: 0 });
    expect(h).toMatchObject({ score: 59, risk: 'medium' });
    expect(h.signals.filter((s) => s.value === null).map((s) => s.name)).toEqual(['seat_utilisation', 'module_usage', 'webhooks']);
    expect(h.signals.find((s) => s.name === 'trial')).toMatchObject({ value: 0.286, weight: 14.3 });
  });

  it('no sign-in at all scores the trend 0; growth is capped at 1', () => {
    expect(computeHealth({ ...base, signIns30d: 0 }).signals[0].value).toBe(0);
    expect(computeHealth({ ...base, signIns30d: 90, signInsPrev30d: 10 }).signals[0].value).toBe(1);
  });

  it('risk thresholds: 70 is low, 69 and 40 medium, 39 high', () => {
    expect([riskOf(70), riskOf(69), riskOf(40), riskOf(39)]).toEqual(['low', 'medium', 'medium', 'high']);
  });
});
