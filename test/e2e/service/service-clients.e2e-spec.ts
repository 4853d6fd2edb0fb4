import { createHash } from 'node:crypto';
import { auditRowsFor, createTestApp, loginStaff, requestId, TestApp } from '../../support/app';
import { insertPlan, provisionSignedInTenant, provisionTenant, registerServiceClient, requestServiceToken, serviceToken, STANDARD_PLAN_LIMITS } from '../../support/fixtures';

/** A JSON body, loosely typed for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const json = (res: Response): Promise<Json> => res.json() as Promise<Json>;

describe('product-module services: client credentials, the service principal, entitlements', () => {
  let t: TestApp;
  let owner: string;
  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
  });
  afterAll(() => t?.close());

  const get = (path: string, token: string) => fetch(`${t.baseUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  const post = (path: string, token: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${t.baseUrl}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

  describe('registration and the token endpoint (RFC 6749 §4.4)', () => {
    it('shows the secret once, stores only its SHA-256, and lists the client by prefix', async () => {
      const client = await registerServiceClient(t, ['entitlements:read', 'usage:write'], { moduleCode: undefined, name: 'CRM service' });
      expect(client.clientId).toMatch(/^svc_/);
      expect(client.clientSecret).toMatch(/^svcsec_/);
      const [row] = await t.db.query(`SELECT secret_hash, secret_prefix, scopes FROM service_clients WHERE id = $1`, [client.id]);
      expect(row.secret_hash).toBe(createHash('sha256').update(client.clientSecret).digest('hex'));
      expect(JSON.stringify(row)).not.toContain(client.clientSecret);
      expect(row.scopes).toEqual(['entitlements:read', 'usage:write']);
      const list = (await json(await get('/api/v1/admin/service-clients?limit=100', owner))) as { data: { id: string }[] };
      const listed = list.data.find((c) => c.id === client.id);
      expect(listed).toMatchObject({ clientId: client.clientId, secretPrefix: client.clientSecret.slice(0, 11), status: 'active' });
      expect(JSON.stringify(list)).not.toContain(client.clientSecret);
    });

    it('refuses an unknown module and unknown scopes, naming the field', async () => {
      const bad = await post('/api/v1/admin/service-clients', owner, { name: 'x', scopes: ['usage:write'], moduleCode: 'no-such-module' });
      expect(bad.status).toBe(422);
      expect(await json(bad)).toMatchObject({ code: 'unknown_module', field: 'moduleCode' });
      const scope = await post('/api/v1/admin/service-clients', owner, { name: 'x', scopes: ['tenants:write'] });
      expect(scope.status).toBe(400);
      expect((await json(scope)).errors[0].field).toMatch(/^scopes/);
    });

    it('issues a short-lived token with the granted scopes, no-store, and answers RFC 6749 §5.2 errors', async () => {
      const client = await registerServiceClient(t, ['entitlements:read', 'quota:reserve']);
      const ok = await requestServiceToken(t, client.clientId, client.clientSecret);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('cache-control')).toBe('no-store');
      const body = await json(ok);
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'entitlements:read quota:reserve' });
      const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString());
      expect(claims).toMatchObject({ kind: 'service', client_id: client.clientId, scope: 'entitlements:read quota:reserve', tenantId: null, sub: client.id });

      const narrowed = await requestServiceToken(t, client.clientId, client.clientSecret, { grant_type: 'client_credentials', scope: 'quota:reserve' });
      expect((await json(narrowed)).scope).toBe('quota:reserve');

      const wrong = await requestServiceToken(t, client.clientId, 'svcsec_wrong');
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);
      expect(wrong.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await json(wrong)).toEqual({ error: 'invalid_client', error_description: expect.any(String) });

      const grant = await requestServiceToken(t, client.clientId, client.clientSecret, { grant_type: 'password' });
      expect(grant.status).toBe(400);
      expect((await json(grant)).error).toBe('unsupported_grant_type');
      const scope = await requestServiceToken(t, client.clientId, client.clientSecret, { grant_type: 'client_credentials', scope: 'usage:read' });
      expect(scope.status).toBe(400);
      expect((await json(scope)).error).toBe('invalid_scope');
      const missing = await requestServiceToken(t, client.clientId, client.clientSecret, {});
      expect((await json(missing)).error).toBe('invalid_request');

      // Both authentication methods at once (RFC 6749 §2.3: one per request).
      const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
      const both = await fetch(`${t.baseUrl}/api/v1/oauth/token`, {
        method: 'POST',
        headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }).toString(),
      });
      expect((await json(both)).error).toBe('invalid_request');
      // The body method works alone.
      const inBody = await fetch(`${t.baseUrl}/api/v1/oauth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }).toString(),
      });
      expect(inBody.status).toBe(200);
    });

    it('audits token requests with actorType service and the client id', async () => {
      const client = await registerServiceClient(t, ['entitlements:read']);
      const id = requestId('token');
      const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
      const res = await fetch(`${t.baseUrl}/api/v1/oauth/token`, {
        method: 'POST',
        headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded', 'X-Request-Id': id },
        body: 'grant_type=client_credentials',
      });
      expect(res.status).toBe(200);
      const [row] = await auditRowsFor(t, id);
      expect(row).toMatchObject({ action: 'serviceClient.token', actorType: 'service', actorId: client.id, actorClientId: client.clientId, outcome: 'success' });
      const failedId = requestId('token');
      await fetch(`${t.baseUrl}/api/v1/oauth/token`, {
        method: 'POST',
        headers: { Authorization: `Basic ${Buffer.from(`${client.clientId}:nope`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded', 'X-Request-Id': failedId },
        body: 'grant_type=client_credentials',
      });
      const [failed] = await auditRowsFor(t, failedId);
      expect(failed).toMatchObject({ action: 'serviceClient.token', actorType: 'service', actorClientId: client.clientId, statusCode: 401, errorCode: 'oauth_invalid_client' });
    });

    it('rotation keeps the old secret for the overlap; overlap 0 stops it at once; revocation stops secrets and live tokens', async () => {
      const client = await registerServiceClient(t, ['entitlements:read']);
      const rotated = await json(await post(`/api/v1/admin/service-clients/${client.id}/rotate-secret`, owner, { overlapMinutes: 30 }));
      expect(rotated.clientSecret).not.toBe(client.clientSecret);
      expect(new Date(rotated.previousSecretExpiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
      expect((await requestServiceToken(t, client.clientId, client.clientSecret)).status).toBe(200);
      expect((await requestServiceToken(t, client.clientId, rotated.clientSecret)).status).toBe(200);
      const again = await json(await post(`/api/v1/admin/service-clients/${client.id}/rotate-secret`, owner, { overlapMinutes: 0 }));
      expect((await requestServiceToken(t, client.clientId, rotated.clientSecret)).status).toBe(401);
      expect((await requestServiceToken(t, client.clientId, client.clientSecret)).status).toBe(401);
      const live = ((await json(await requestServiceToken(t, client.clientId, again.clientSecret))) as { access_token: string }).access_token;
      const tenant = await provisionTenant(t, (await insertPlan(t)).code, { trialDays: 0 });
      expect((await get(`/api/v1/service/tenants/${tenant.id}/entitlements`, live)).status).toBe(200);

      const revoked = await post(`/api/v1/admin/service-clients/${client.id}/revoke`, owner, {});
      expect(revoked.status).toBe(200);
      expect((await json(revoked)).status).toBe('revoked');
      const after = await get(`/api/v1/service/tenants/${tenant.id}/entitlements`, live);
      expect(after.status).toBe(401);
      expect((await json(after)).code).toBe('token_revoked');
      expect((await requestServiceToken(t, client.clientId, again.clientSecret)).status).toBe(401);
      const rotateRevoked = await post(`/api/v1/admin/service-clients/${client.id}/rotate-secret`, owner, {});
      expect(rotateRevoked.status).toBe(409);
      expect((await json(rotateRevoked)).code).toBe('service_client_revoked');
    });
  });

  describe('the service principal', () => {
    it('is refused on staff, tenant and session routes; a tenant or staff token is refused on service routes; a missing scope is insufficient_scope', async () => {
      const tenant = await provisionSignedInTenant(t, STANDARD_PLAN_LIMITS);
      const token = await serviceToken(t, ['usage:write']);
      for (const path of ['/api/v1/admin/tenants', '/api/v1/tenant/users', '/api/v1/auth/me']) {
        const res = await get(path, token);
        expect([path, res.status]).toEqual([path, 403]);
        expect((await json(res)).code).toBe('forbidden');
      }
      const asTenant = await get(`/api/v1/service/tenants/${tenant.id}/entitlements`, tenant.admin.accessToken);
      expect(asTenant.status).toBe(403);
      const asStaff = await get(`/api/v1/service/tenants/${tenant.id}/entitlements`, owner);
      expect(asStaff.status).toBe(403);
      const noScope = await get(`/api/v1/service/tenants/${tenant.id}/entitlements`, token);
      expect(noScope.status).toBe(403);
      expect(await json(noScope)).toMatchObject({ code: 'insufficient_scope', detail: expect.stringContaining('entitlements:read') });
    });
  });

  describe('entitlements', () => {
    it('lists standing, modules and allowances with a cache TTL; unknown tenant → 404', async () => {
      const tenant = await provisionSignedInTenant(t, STANDARD_PLAN_LIMITS);
      const token = await serviceToken(t, ['entitlements:read']);
      const res = await get(`/api/v1/service/tenants/${tenant.id}/entitlements`, token);
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBe('60000');
      expect(Number(res.headers.get('ratelimit-remaining'))).toBeLessThan(60000);
      const body = await json(res);
      expect(body).toMatchObject({ tenantId: tenant.id, status: 'active', billingStatus: 'active', cacheTtlSeconds: 30 });
      expect(body.metrics.find((m: { metric: string }) => m.metric === 'members')).toEqual({ metric: 'members', limit: 10, used: 1, remaining: 9 });
      expect(body.metrics.find((m: { metric: string }) => m.metric === 'automationsPerMonth')).toMatchObject({ limit: 1000, periodStart: expect.any(String) });
      expect(Array.isArray(body.modules)).toBe(true);
      const missing = await get('/api/v1/service/tenants/00000000-0000-4000-8000-000000000000/entitlements', token);
      expect(missing.status).toBe(404);
      expect((await json(missing)).code).toBe('tenant_not_found');
    });

    it('check explains: quota, module, suspension (staff and billing), unknown tenant', async () => {
      const tenant = await provisionSignedInTenant(t, { ...STANDARD_PLAN_LIMITS, members: 2 });
      const token = await serviceToken(t, ['entitlements:read']);
      const check = async (body: Record<string, unknown>) => {
        const res = await post('/api/v1/service/entitlements/check', token, body);
        expect(res.status).toBe(200);
        return res.json();
      };
      expect(await check({ tenantId: tenant.id, metric: 'members' })).toMatchObject({ allowed: true, metric: 'members', limit: 2, used: 1, remaining: 1, upgradeHint: null });
      expect(await check({ tenantId: tenant.id, metric: 'members', amount: 2 })).toMatchObject({ allowed: false, code: 'quota_exceeded', limit: 2, used: 1, remaining: 1, upgradeHint: expect.stringContaining('change-plan') });
      expect(await check({ tenantId: tenant.id, moduleCode: 'no-such-module' })).toMatchObject({ allowed: false, code: 'module_not_enabled', moduleReason: 'unknown_module' });
      expect(await check({ tenantId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ allowed: false, code: 'tenant_not_found' });
      const bad = await post('/api/v1/service/entitlements/check', token, { tenantId: tenant.id, metric: 'nope' });
      expect(bad.status).toBe(400);
      expect((await json(bad)).errors[0].field).toBe('metric');

      const suspended = await post(`/api/v1/admin/tenants/${tenant.id}/suspend`, owner, { reason: 'Chargeback under review' });
      expect(suspended.status).toBe(200);
      expect(await check({ tenantId: tenant.id, metric: 'members' })).toMatchObject({ allowed: false, code: 'tenant_suspended', upgradeHint: expect.stringContaining('reactivate') });
      const entitlements = await json(await get(`/api/v1/service/tenants/${tenant.id}/entitlements`, await serviceToken(t, ['entitlements:read'])));
      expect(entitlements.status).toBe('suspended');

      const billing = await provisionSignedInTenant(t, STANDARD_PLAN_LIMITS);
      await t.db.query(`UPDATE tenant_quotas SET billing_status = 'suspended' WHERE tenant_id = $1`, [billing.id]);
      expect(await check({ tenantId: billing.id })).toMatchObject({ allowed: false, code: 'tenant_suspended', reason: expect.stringContaining('non-payment') });
    });
  });

  describe('rate limit per client', () => {
    let limited: TestApp;
    beforeAll(async () => {
      limited = await createTestApp({ SERVICE_RATE_LIMIT_PER_MINUTE: '3' });
    });
    afterAll(() => limited?.close());

    it('answers 429 with Retry-After past the limit, per client', async () => {
      const tenant = await provisionTenant(limited, (await insertPlan(limited)).code, { trialDays: 0 });
      const a = await serviceToken(limited, ['entitlements:read']);
      const b = await serviceToken(limited, ['entitlements:read']);
      const call = (token: string) => fetch(`${limited.baseUrl}/api/v1/service/tenants/${tenant.id}/entitlements`, { headers: { Authorization: `Bearer ${token}` } });
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await call(a)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await call(a);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.headers.get('ratelimit-remaining')).toBe('0');
      expect((await json(refused)).code).toBe('rate_limited');
      expect((await call(b)).status).toBe(200);
    });
  });
});
