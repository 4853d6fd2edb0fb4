import { buildOpenApiDocument } from '../../../src/app.setup';
import { METRIC_CODES, PlanLimits } from '../../../src/modules/plans';
import { createTestApp, loginStaff, TestApp, unique } from '../../support/app';
import { insertPlan, provisionTenant } from '../../support/fixtures';

type FieldErrors = { errors: { field: string; message: string }[] };

describe('plan limits and quota overrides follow the metric registry', () => {
  let t: TestApp;
  let owner: string;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
  });
  afterAll(() => t.close());

  const planBody = (limits: Record<string, unknown>) => ({
    code: unique('reg').toLowerCase(),
    name: 'Registry',
    monthlyPriceCents: 0,
    annualPriceCents: 0,
    currency: 'USD',
    limits,
  });

  it('a plan or an override referencing a metric outside the registry is a 400 naming the field', async () => {
    const created = await t.as(owner).POST('/api/v1/admin/plans', { body: planBody({ members: 3, seats: 5 }) as never });
    expect(created.response.status).toBe(400);
    expect((created.error as FieldErrors).errors).toEqual([{ field: 'limits.seats', message: expect.stringContaining('seats') }]);

    const plan = await t.as(owner).POST('/api/v1/admin/plans', { body: planBody(Object.fromEntries(METRIC_CODES.map((m) => [m, 1]))) as never });
    expect(plan.response.status).toBe(201);
    const patched = await t.as(owner).PATCH('/api/v1/admin/plans/{planId}', { params: { path: { planId: plan.data!.id } }, body: { limits: { automationRuns: 10 } } as never });
    expect(patched.response.status).toBe(400);
    expect((patched.error as FieldErrors).errors.map((e) => e.field)).toEqual(['limits.automationRuns']);

    const tenant = await provisionTenant(t, plan.data!.code);
    const override = await t.as(owner).PATCH('/api/v1/admin/tenants/{tenantId}/quota', { params: { path: { tenantId: tenant.id } }, body: { limitOverrides: { seats: 1 } } as never });
    expect(override.response.status).toBe(400);
    expect((override.error as FieldErrors).errors.map((e) => e.field)).toEqual(['limitOverrides.seats']);
    const [row] = await t.db.query(`SELECT limit_overrides FROM tenant_quotas WHERE tenant_id = $1`, [tenant.id]);
    expect(row.limit_overrides).toEqual({});
  });

  it('a stored key of a metric that left the registry is neither served nor applied', async () => {
    const plan = await insertPlan(t, { limits: { members: 4, seats: 2 } as PlanLimits });
    const tenant = await provisionTenant(t, plan.code);
    await t.db.query(`UPDATE tenant_quotas SET limit_overrides = '{"seats": 1, "domains": 3}' WHERE tenant_id = $1`, [tenant.id]);

    const got = await t.as(owner).GET('/api/v1/admin/plans/{planId}', { params: { path: { planId: plan.id } } });
    expect(got.data!.limits).toEqual({ members: 4 });
    const quota = await t.as(owner).GET('/api/v1/admin/tenants/{tenantId}/quota', { params: { path: { tenantId: tenant.id } } });
    expect(quota.data!.limitOverrides).toEqual({ domains: 3 });
    expect(Object.keys(quota.data!.effectiveLimits)).toEqual([...METRIC_CODES]);
    expect(quota.data!.allowances.map((a) => a.metric)).toEqual([...METRIC_CODES]);
  });

  it('the OpenAPI schemas enumerate exactly the registry, in the JSON shape the API has always had', () => {
    const schemas = buildOpenApiDocument(t.app).components!.schemas as Record<string, { properties: Record<string, { type?: unknown; enum?: unknown }>; required?: string[] }>;
    expect(Object.keys(schemas.PlanLimitsDto.properties)).toEqual([...METRIC_CODES]);
    expect(schemas.PlanLimitsDto.required ?? []).toEqual([]);
    expect(schemas.AllowanceDto.properties.metric.enum).toEqual([...METRIC_CODES]);
    for (const name of ['UsageDto', 'UsageHistoryPointDto', 'TenantUsageSummaryDto']) {
      expect({ name, metrics: Object.keys(schemas[name].properties).filter((p) => METRIC_CODES.includes(p as never)) }).toEqual({ name, metrics: [...METRIC_CODES] });
      expect({ name, required: METRIC_CODES.every((m) => schemas[name].required?.includes(m)) }).toEqual({ name, required: true });
    }
  });
});
