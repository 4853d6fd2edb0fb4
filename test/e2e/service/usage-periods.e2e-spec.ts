import { randomUUID } from 'node:crypto';
import { createTestApp, loginStaff, TestApp } from '../../support/app';
import { ControllableClock } from '../../support/clock';
import { outboxEvents, provisionSignedInTenant, serviceToken, STANDARD_PLAN_LIMITS, TenantFixture } from '../../support/fixtures';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Monthly allowances reset at the UTC month boundary (old counter kept); usage series by day and hour. */
describe('usage periods and usage series', () => {
  const clock = new ControllableClock(new Date('2026-11-30T22:30:00Z'));
  let t: TestApp;
  let writer: string;
  let reader: string;
  let staff: string;
  let tenant: TenantFixture;
  beforeAll(async () => {
    t = await createTestApp({}, [], { clock });
    writer = await serviceToken(t, ['usage:write']);
    reader = await serviceToken(t, ['usage:read']);
    staff = (await loginStaff(t)).accessToken;
    tenant = await provisionSignedInTenant(t, { ...STANDARD_PLAN_LIMITS, automationsPerMonth: 10 });
  });
  afterAll(() => t?.close());

  const call = async (path: string, token: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${t.baseUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  const report = (events: { amount: number; occurredAt: string }[]) =>
    call('/api/v1/service/usage/events', writer, { events: events.map((e) => ({ eventId: randomUUID(), tenantId: tenant.id, metric: 'automationsPerMonth', ...e })) });

  it('counts per calendar month in UTC: the new month starts at 0, the old counter is kept, thresholds fire again', async () => {
    expect((await report([{ amount: 8, occurredAt: '2026-11-30T21:15:00Z' }])).body.accepted).toBe(1);
    const november = await call('/api/v1/tenant/usage', tenant.admin.accessToken);
    expect(november.body).toMatchObject({ automationsPerMonth: 8, currentPeriod: { start: '2026-11-01', end: '2026-12-01', basis: 'calendar_month_utc' } });

    clock.set(new Date('2026-12-01T00:10:00Z'));
    const december = await call(`/api/v1/admin/tenants/${tenant.id}/usage`, staff);
    expect(december.body).toMatchObject({ automationsPerMonth: 0, currentPeriod: { start: '2026-12-01', end: '2027-01-01' } });
    // A late event of November still counts in November; December's counter is separate.
    expect((await report([{ amount: 1, occurredAt: '2026-11-30T23:59:00Z' }, { amount: 9, occurredAt: '2026-12-01T00:05:00Z' }])).body.accepted).toBe(2);
    const counters = await t.db.query(`SELECT to_char(period_start, 'YYYY-MM-DD') AS p, value::int AS v FROM usage_counters WHERE tenant_id = $1 AND metric = 'automationsPerMonth' ORDER BY 1`, [tenant.id]);
    expect(counters).toEqual([{ p: '2026-11-01', v: 9 }, { p: '2026-12-01', v: 9 }]);

    const crossings = (await outboxEvents(t, tenant.id, 'usage.threshold_reached')).map((e) => e.envelope.payload as Json);
    // November's 80 %; the late November event crosses nothing now (a past period); December's 80 and 90 %.
    expect(crossings.map((p) => `${p.periodStart}:${p.threshold}`).sort()).toEqual(['2026-11-01:80', '2026-12-01:80', '2026-12-01:90']);
  });

  it('charts metered usage per hour and per day from the stored events (0 where none), for services, staff and the tenant', async () => {
    const hourly = await call(`/api/v1/service/tenants/${tenant.id}/usage?metric=automationsPerMonth&granularity=hour&from=2026-11-30T20:30:00Z&to=2026-12-01T01:00:00Z`, reader);
    expect(hourly.status).toBe(200);
    expect(hourly.body).toMatchObject({ metric: 'automationsPerMonth', kind: 'period_total', granularity: 'hour', from: '2026-11-30T20:00:00.000Z', to: '2026-12-01T01:00:00.000Z', total: 18 });
    expect(hourly.body.data.map((p: Json) => `${p.start.slice(11, 13)}:${p.value}`)).toEqual(['20:0', '21:8', '22:0', '23:1', '00:9']);

    const daily = await call(`/api/v1/admin/tenants/${tenant.id}/usage/series?metric=automationsPerMonth&from=2026-11-29T00:00:00Z&to=2026-12-02T00:00:00Z`, staff);
    expect(daily.body.data.map((p: Json) => [p.start.slice(0, 10), p.value])).toEqual([['2026-11-29', 0], ['2026-11-30', 9], ['2026-12-01', 9]]);
    const mine = await call('/api/v1/tenant/usage/series?metric=automationsPerMonth&from=2026-11-29T00:00:00Z&to=2026-12-02T00:00:00Z', tenant.admin.accessToken);
    expect(mine.body.data).toEqual(daily.body.data);
  });

  it('charts a level from the daily snapshots, today from the live counter; refuses hours of a level and bad ranges by field', async () => {
    await t.db.query(`INSERT INTO tenant_usage_snapshots (tenant_id, day, counters) VALUES ($1, '2026-11-29', '{"members": 4}')`, [tenant.id]);
    const members = await call(`/api/v1/tenant/usage/series?metric=members&from=2026-11-29T00:00:00Z&to=2026-12-02T00:00:00Z`, tenant.admin.accessToken);
    expect(members.body).toMatchObject({ kind: 'count', total: null });
    expect(members.body.data.map((p: Json) => p.value)).toEqual([4, null, 1]);

    const hourOfLevel = await call(`/api/v1/service/tenants/${tenant.id}/usage?metric=members&granularity=hour`, reader);
    expect(hourOfLevel).toMatchObject({ status: 400, body: { code: 'validation_failed', errors: [expect.objectContaining({ field: 'granularity' })] } });
    const backwards = await call(`/api/v1/service/tenants/${tenant.id}/usage?metric=automationsPerMonth&from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z`, reader);
    expect(backwards.body.errors[0].field).toBe('from');
    const tooLong = await call(`/api/v1/service/tenants/${tenant.id}/usage?metric=automationsPerMonth&granularity=hour&from=2026-10-01T00:00:00Z`, reader);
    expect(tooLong.body.errors[0].field).toBe('from');
    const unknown = await call(`/api/v1/service/tenants/${tenant.id}/usage?metric=bogus`, reader);
    expect(unknown.body.errors[0].field).toBe('metric');
    expect((await call(`/api/v1/service/tenants/${randomUUID()}/usage?metric=members`, reader)).status).toBe(404);
    expect((await call(`/api/v1/service/tenants/${tenant.id}/usage?metric=members`, writer)).status).toBe(403);
  });
});
