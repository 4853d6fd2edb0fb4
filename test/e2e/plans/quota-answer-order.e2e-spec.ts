import { Body, Post } from '@nestjs/common';
import { TenantUserAccounts } from '../../../src/modules/iam';
import { EnforceQuota } from '../../../src/modules/plans';
import { auditRowsFor, createTestApp, expectProblem, loginStaff, rawFetch, requestId, TestApp, unique } from '../../support/app';
import { provisionSignedInTenant, TenantFixture, usageOf } from '../../support/fixtures';

/**
 * Order of answers on a creating route (docs/adr/0012): suspension (403) → validation (400) →
 * quota pre-check (402) → handler, whose atomic reservation stays the authoritative check.
 */
describe('a malformed body is a 400 even when the tenant is over quota', () => {
  let t: TestApp;
  let owner: string;
  let full: TenantFixture;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
    // One members seat, taken by the first admin: the tenant is at its limit.
    full = await provisionSignedInTenant(t, { members: 1, orgAdmins: 3 });
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  const validUser = () => ({ email: `${unique('u')}@example.test`, fullName: 'New User', role: 'member' });
  const create = (tenant: TenantFixture, json: unknown, reqId: string) =>
    rawFetch(t, '/api/v1/tenant/users', { method: 'POST', token: tenant.admin.accessToken, json, headers: { 'X-Request-Id': reqId } });

  it('at the limit, a malformed body → 400 naming each bad field, audited as a failure', async () => {
    expect(await usageOf(t, full.id)).toEqual({ members: 1, orgAdmins: 1 });
    const reqId = requestId('order-400');
    const res = await create(full, { email: 'not-an-email', fullName: 'New User', role: 'boss' }, reqId);
    const problem = await expectProblem(res, 400, 'validation_failed');
    expect((problem.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['email', 'role']);
    const rows = await auditRowsFor(t, reqId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'tenantUsers.create', tenantId: full.id, statusCode: 400, outcome: 'failure', errorCode: 'validation_failed' });

    // An unknown property and a missing field are 400s too, not 402s.
    const unknownField = await create(full, { ...validUser(), tenantId: full.id }, requestId('order-400'));
    expect(JSON.stringify((await expectProblem(unknownField, 400)).errors)).toContain('tenantId');
    const missing = await create(full, { fullName: 'New User' }, requestId('order-400'));
    expect(JSON.stringify((await expectProblem(missing, 400)).errors)).toContain('email');
  });

  it('at the limit, a valid body → 402 quota_exceeded { metric, limit, used } from the pre-check, before the handler; audited as denied', async () => {
    const accounts = jest.spyOn(t.app.get(TenantUserAccounts), 'create');
    const reqId = requestId('order-402');
    const res = await create(full, validUser(), reqId);
    expect(await expectProblem(res, 402, 'quota_exceeded')).toMatchObject({ metric: 'members', limit: 1, used: 1 });
    // The friendly early answer: the creating service was never entered.
    expect(accounts).not.toHaveBeenCalled();
    const rows = await auditRowsFor(t, reqId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'tenantUsers.create', tenantId: full.id, statusCode: 402, outcome: 'denied', errorCode: 'quota_exceeded' });
    expect(await usageOf(t, full.id)).toEqual({ members: 1, orgAdmins: 1 });
  });

  it('with a seat left, a valid body is created (the pre-check passes it to the service’s reservation)', async () => {
    const roomy = await provisionSignedInTenant(t, { members: 2, orgAdmins: 3 });
    const res = await create(roomy, validUser(), requestId('order-201'));
    expect(res.status).toBe(201);
    expect(await usageOf(t, roomy.id)).toEqual({ members: 2, orgAdmins: 1 });
    // Now full: the next valid body is refused by the pre-check, a malformed one is still a 400.
    await expectProblem(await create(roomy, validUser(), requestId('order-402')), 402, 'quota_exceeded');
    await expectProblem(await create(roomy, { ...validUser(), email: 42 }, requestId('order-400')), 400, 'validation_failed');
  });

  it('a suspended tenant’s write is 403 tenant_suspended before validation, and audited', async () => {
    const suspended = await provisionSignedInTenant(t, { members: 1, orgAdmins: 3 });
    const patched = await t.as(owner).PUT('/api/v1/admin/tenants/{tenantId}/subscription', { params: { path: { tenantId: suspended.id } }, body: { status: 'suspended' } });
    expect(patched.response.status).toBe(200);
    const reqId = requestId('order-403');
    await expectProblem(await create(suspended, { email: 'not-an-email' }, reqId), 403, 'tenant_suspended');
    const rows = await auditRowsFor(t, reqId);
    expect(rows[0]).toMatchObject({ statusCode: 403, outcome: 'denied', errorCode: 'tenant_suspended' });
  });

  it('@EnforceQuota on a route without a @Body() argument fails when the class loads', () => {
    expect(() => {
      class NoBody {
        @Post()
        @EnforceQuota('projects')
        create(): void {}
      }
      return NoBody;
    }).toThrow(/EnforceQuota\('projects'\) on NoBody\.create needs a @Body\(\) argument/);
    expect(() => {
      class WithBody {
        @Post()
        @EnforceQuota('projects')
        create(@Body() _dto: unknown): void {}
      }
      return WithBody;
    }).not.toThrow();
  });
});
