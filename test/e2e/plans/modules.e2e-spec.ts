import { createStaff, createTestApp, expectProblem, loginStaff, TestApp, unique } from '../../support/app';

describe('module catalog (admin/modules) and plans that include modules', () => {
  let t: TestApp;
  let owner: string;
  let support: string;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
    const staff = await createStaff(t, owner, 'support');
    support = (await loginStaff(t, staff.email, staff.password)).accessToken;
  });
  afterAll(() => t.close());

  const code = (prefix: string) => unique(prefix).toLowerCase();
  const create = (body: Record<string, unknown>, token = owner) => t.as(token).POST('/api/v1/admin/modules', { body: body as never });
  const moduleBody = (c: string) => ({ code: c, name: 'CRM', description: 'Contacts and deals', monthlyPriceCents: 2900, annualPriceCents: 29000, currency: 'usd' });

  it('creates a module with defaults (flat, 14-day trial, active), stores it, audits it and publishes module.created', async () => {
    const c = code('crm');
    const res = await create(moduleBody(c));
    expect(res.response.status).toBe(201);
    expect(res.data).toEqual({
      id: expect.any(String),
      code: c,
      name: 'CRM',
      description: 'Contacts and deals',
      pricingModel: 'flat',
      monthlyPriceCents: 2900,
      annualPriceCents: 29000,
      currency: 'USD',
      trialDays: 14,
      isActive: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const [row] = await t.db.query(`SELECT pricing_model, monthly_price_cents, trial_days, currency FROM product_modules WHERE id = $1`, [res.data!.id]);
    expect(row).toEqual({ pricing_model: 'flat', monthly_price_cents: '2900', trial_days: 14, currency: 'USD' });
    const audit = await t.db.query(`SELECT action, outcome FROM audit_logs WHERE resource_id = $1`, [res.data!.id]);
    expect(audit).toEqual([{ action: 'modules.create', outcome: 'success' }]);
    const events = await t.db.query(`SELECT envelope->'payload' AS payload FROM outbox WHERE event_name = 'module.created' AND envelope->'payload'->>'moduleId' = $1`, [res.data!.id]);
    expect(events).toEqual([{ payload: { moduleId: res.data!.id, code: c } }]);
  });

  it('a per-seat module with no trial is stored as such', async () => {
    const res = await create({ ...moduleBody(code('calls')), pricingModel: 'per_seat', trialDays: 0 });
    expect(res.response.status).toBe(201);
    expect(res.data).toMatchObject({ pricingModel: 'per_seat', trialDays: 0 });
  });

  it('a taken code → 409 module_code_taken naming code; bad fields → 400 naming each; nothing stored', async () => {
    const c = code('dup');
    await create(moduleBody(c));
    expect(await expectProblem(await create(moduleBody(c)), 409, 'module_code_taken')).toMatchObject({ field: 'code' });
    expect(await t.db.query(`SELECT count(*)::int AS n FROM product_modules WHERE code = $1`, [c])).toEqual([{ n: 1 }]);

    const bad = await create({ ...moduleBody('Not A Slug'), pricingModel: 'per_hour', trialDays: 400, monthlyPriceCents: -1, currency: 'US' });
    expect(bad.response.status).toBe(400);
    expect((bad.error as { errors: { field: string }[] }).errors.map((e) => e.field).sort()).toEqual(['code', 'currency', 'monthlyPriceCents', 'pricingModel', 'trialDays']);
  });

  it('code is immutable; a change is stored, audited with before/after and published; a deactivated module stays listed', async () => {
    const created = await create(moduleBody(code('seo')));
    const moduleId = created.data!.id;
    const immutable = await t.as(owner).PATCH('/api/v1/admin/modules/{moduleId}', { params: { path: { moduleId } }, body: { code: 'other' } as never });
    expect(immutable.response.status).toBe(400);
    expect((immutable.error as { errors: { field: string }[] }).errors[0].field).toBe('code');

    const res = await t.as(owner).PATCH('/api/v1/admin/modules/{moduleId}', { params: { path: { moduleId } }, body: { monthlyPriceCents: 3900, isActive: false } });
    expect(res.response.status).toBe(200);
    expect(res.data).toMatchObject({ monthlyPriceCents: 3900, isActive: false });
    const [row] = await t.db.query(`SELECT monthly_price_cents, is_active FROM product_modules WHERE id = $1`, [moduleId]);
    expect(row).toEqual({ monthly_price_cents: '3900', is_active: false });
    const [audit] = await t.db.query(`SELECT action, changes FROM audit_logs WHERE resource_id = $1 AND action = 'modules.update' AND outcome = 'success'`, [moduleId]);
    expect(audit.changes).toMatchObject({ before: { monthlyPriceCents: 2900, isActive: true }, after: { monthlyPriceCents: 3900, isActive: false } });
    const [event] = await t.db.query(`SELECT envelope->'payload' AS payload FROM outbox WHERE event_name = 'module.updated' AND envelope->'payload'->>'moduleId' = $1`, [moduleId]);
    expect(event.payload.changed.sort()).toEqual(['isActive', 'monthlyPriceCents']);

    const inactive = await t.as(support).GET('/api/v1/admin/modules', { params: { query: { isActive: false, limit: 100 } } });
    expect(inactive.data!.data.map((m) => m.id)).toContain(moduleId);
    const active = await t.as(support).GET('/api/v1/admin/modules', { params: { query: { isActive: true, limit: 100 } } });
    expect(active.data!.data.map((m) => m.id)).not.toContain(moduleId);
  });

  it('support staff read but do not write; an unknown id → 404 module_not_found', async () => {
    await expectProblem(await create(moduleBody(code('nope')), support), 403, 'forbidden');
    const created = await create(moduleBody(code('read')));
    expect((await t.as(support).GET('/api/v1/admin/modules/{moduleId}', { params: { path: { moduleId: created.data!.id } } })).data).toMatchObject({ id: created.data!.id });
    await expectProblem(await t.as(support).GET('/api/v1/admin/modules/{moduleId}', { params: { path: { moduleId: '00000000-0000-4000-8000-000000000000' } } }), 404, 'module_not_found');
  });

  it('a plan has per-seat prices and includes catalog modules only (unknown code → 422 naming features.<code>, nothing stored)', async () => {
    const crm = code('crm');
    await create(moduleBody(crm));
    const planCode = code('seats');
    const body = { code: planCode, name: 'Seats', monthlyPriceCents: 0, annualPriceCents: 0, seatMonthlyPriceCents: 1500, seatAnnualPriceCents: 15000, currency: 'USD', features: { [crm]: true } };
    const unknown = await t.as(owner).POST('/api/v1/admin/plans', { body: { ...body, features: { [crm]: true, 'no-such-module': true } } });
    expect(await expectProblem(unknown, 422, 'unknown_module')).toMatchObject({ field: 'features.no-such-module' });
    expect(await t.db.query(`SELECT count(*)::int AS n FROM plans WHERE code = $1`, [planCode])).toEqual([{ n: 0 }]);

    const res = await t.as(owner).POST('/api/v1/admin/plans', { body });
    expect(res.response.status).toBe(201);
    expect(res.data).toMatchObject({ seatMonthlyPriceCents: 1500, seatAnnualPriceCents: 15000, features: { [crm]: true } });
    const [row] = await t.db.query(`SELECT seat_monthly_price_cents, seat_annual_price_cents FROM plans WHERE code = $1`, [planCode]);
    expect(row).toEqual({ seat_monthly_price_cents: '1500', seat_annual_price_cents: '15000' });

    const patch = await t.as(owner).PATCH('/api/v1/admin/plans/{planId}', { params: { path: { planId: res.data!.id } }, body: { features: { ghost: true } } });
    expect(await expectProblem(patch, 422, 'unknown_module')).toMatchObject({ field: 'features.ghost' });
    expect((await t.db.query(`SELECT features FROM plans WHERE code = $1`, [planCode]))[0].features).toEqual({ [crm]: true });
  });
});
