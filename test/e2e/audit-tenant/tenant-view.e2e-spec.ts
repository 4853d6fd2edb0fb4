import { createTestApp, loginStaff, TestApp } from '../../support/app';
import { insertPlan, provisionTenant, signInToken } from '../../support/fixtures';

describe('tenant-side audit log hides staff-internal payloads', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('shows that staff acted, but not the note body, IP or staff id', async () => {
    const owner = (await loginStaff(t)).accessToken;
    const tenant = await provisionTenant(t, (await insertPlan(t)).code);
    const note = await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/notes', {
      params: { path: { tenantId: tenant.id } },
      body: { body: 'suspect fraud, do not refund' },
    });
    expect(note.response.status).toBe(201);
    const admin = await signInToken(t, tenant.slug, tenant.admin.email, tenant.admin.password);
    const rows = (await t.as(admin).GET('/api/v1/tenant/audit-logs', { params: { query: { limit: 100 } } })).data!.data;
    const staffRow = rows.find((r) => r.action === 'tenantNotes.create');
    expect(staffRow).toMatchObject({ actorType: 'platform', actorEmail: 'owner@example.com', actorId: null, changes: null, ip: null, userAgent: null });
    expect(JSON.stringify(rows)).not.toContain('suspect fraud');
    // Staff still see the full row.
    const full = (await t.as(owner).GET('/api/v1/admin/audit-logs', { params: { query: { tenantId: tenant.id, action: 'tenantNotes.create' } } })).data!.data;
    expect(JSON.stringify(full[0].changes)).toContain('suspect fraud');
  });
});
