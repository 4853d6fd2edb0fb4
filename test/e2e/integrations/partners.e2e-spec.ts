import { UserFixture } from '../../support/fixtures';
import { createTestApp, loginStaff, TestApp } from '../../support/app';
import { ensureCatalogModule, insertPlan, provisionTenant, serviceToken, signInToken, STANDARD_PLAN_LIMITS } from '../../support/fixtures';
import { ApiKeysService } from '../../../src/modules/integrations/partners/api-keys.service';

/** A JSON body, loosely typed for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const json = (res: Response): Promise<Json> => res.json() as Promise<Json>;

/** The `integrations` module in the catalog (created once per database) and a plan that includes it. */
async function integrationsPlan(t: TestApp): Promise<string> {
  await ensureCatalogModule(t, 'integrations');
  return (await insertPlan(t, { limits: STANDARD_PLAN_LIMITS, features: { integrations: true } })).code;
}

describe('partners, API keys, the partner principal, introspection and the event stream', () => {
  let t: TestApp;
  let other: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    other = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
    await other?.close();
  });

  const call = (app: TestApp, path: string, init: { method?: string; token?: string; key?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    fetch(`${app.baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
        ...(init.key ? { 'X-Api-Key': init.key } : {}),
        ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });

  /** A tenant on a plan with the integrations module, its admin signed in. */
  async function integrationsTenant(): Promise<{ id: string; slug: string; admin: string; adminUser: UserFixture }> {
    const tenant = await provisionTenant(t, await integrationsPlan(t), { trialDays: 0 });
    const admin = await signInToken(t, tenant.slug, tenant.admin.email, tenant.admin.password);
    return { id: tenant.id, slug: tenant.slug, admin, adminUser: { ...tenant.admin, role: 'admin', accessToken: admin, refreshToken: '' } as UserFixture };
  }

  async function partnerWithKey(admin: string, scopes: string[]) {
    const res = await call(t, '/api/v1/tenant/partners', { method: 'POST', token: admin, body: { name: 'Acme Analytics', contactEmail: 'Dev@Acme.example' } });
    if (res.status !== 201) throw new Error(await res.text());
    const partner = await json(res);
    const created = await call(t, `/api/v1/tenant/partners/${partner.id}/api-keys`, { method: 'POST', token: admin, body: { name: 'Production', scopes } });
    if (created.status !== 201) throw new Error(await created.text());
    return { partner, key: await json(created) };
  }

  it('is gated by the integrations module', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t, { limits: STANDARD_PLAN_LIMITS })).code, { trialDays: 0 });
    const admin = await signInToken(t, tenant.slug, tenant.admin.email, tenant.admin.password);
    const res = await call(t, '/api/v1/tenant/partners', { token: admin });
    expect(res.status).toBe(403);
    expect(await json(res)).toMatchObject({ code: 'module_not_enabled', module: 'integrations' });
  });

  it('creates a partner and a key shown once, stored as a digest, listed by prefix; the key reaches only the routes of its scopes', async () => {
    const tenant = await integrationsTenant();
    const { partner, key } = await partnerWithKey(tenant.admin, ['users:read']);
    expect(partner).toMatchObject({ name: 'Acme Analytics', contactEmail: 'dev@acme.example', status: 'active', activeKeyCount: 0 });
    expect(key.key).toMatch(/^cpk_live_[0-9A-Za-z]{12}_[0-9A-Za-z]{32}$/);
    expect(key.key.startsWith(key.prefix)).toBe(true);
    const [row] = await t.db.query(`SELECT key_hash, prefix FROM partner_api_keys WHERE id = $1`, [key.id]);
    expect(JSON.stringify(row)).not.toContain(key.key);
    const list = await json(await call(t, `/api/v1/tenant/partners/${partner.id}/api-keys`, { token: tenant.admin }));
    expect(list).toEqual([expect.objectContaining({ id: key.id, prefix: key.prefix, scopes: ['users:read'], status: 'active' })]);
    expect(JSON.stringify(list)).not.toContain(key.key);

    const users = await call(t, '/api/v1/tenant/users', { key: key.key });
    expect(users.status).toBe(200);
    expect((await json(users)).data.map((u: { email: string }) => u.email)).toEqual([tenant.adminUser.email]);
    const audit = await call(t, '/api/v1/tenant/audit-logs', { key: key.key });
    expect(audit.status).toBe(403);
    expect((await json(audit)).code).toBe('insufficient_scope');
    for (const path of ['/api/v1/tenant/subscription', '/api/v1/admin/tenants', '/api/v1/auth/me', '/api/v1/tenant/partners']) {
      const res = await call(t, path, { key: key.key });
      expect([path, res.status]).toEqual([path, 403]);
    }
    const both = await call(t, '/api/v1/tenant/users', { key: key.key, token: tenant.admin });
    expect(both.status).toBe(401);
    expect((await json(both)).code).toBe('invalid_api_key');
    const forged = await call(t, '/api/v1/tenant/users', { key: `${key.prefix}_${'A'.repeat(32)}` });
    expect(forged.status).toBe(401);
    expect((await json(forged)).code).toBe('invalid_api_key');
  });

  it('revocation and deactivation refuse the key at once, on another instance too; activation brings it back', async () => {
    const tenant = await integrationsTenant();
    const { partner, key } = await partnerWithKey(tenant.admin, ['users:read']);
    expect((await call(other, '/api/v1/tenant/users', { key: key.key })).status).toBe(200);
    await call(t, `/api/v1/tenant/partners/${partner.id}/deactivate`, { method: 'POST', token: tenant.admin });
    expect((await call(other, '/api/v1/tenant/users', { key: key.key })).status).toBe(401);
    const listed = await json(await call(t, `/api/v1/tenant/partners/${partner.id}`, { token: tenant.admin }));
    expect(listed).toMatchObject({ status: 'inactive', activeKeyCount: 0 });
    const refused = await call(t, `/api/v1/tenant/partners/${partner.id}/api-keys`, { method: 'POST', token: tenant.admin, body: { name: 'x', scopes: ['users:read'] } });
    expect(refused.status).toBe(409);
    expect((await json(refused)).code).toBe('partner_inactive');
    await call(t, `/api/v1/tenant/partners/${partner.id}/activate`, { method: 'POST', token: tenant.admin });
    expect((await call(other, '/api/v1/tenant/users', { key: key.key })).status).toBe(200);
    const revoked = await call(t, `/api/v1/tenant/partners/${partner.id}/api-keys/${key.id}/revoke`, { method: 'POST', token: tenant.admin });
    expect((await json(revoked)).status).toBe('revoked');
    expect((await call(other, '/api/v1/tenant/users', { key: key.key })).status).toBe(401);
    expect((await call(t, '/api/v1/tenant/users', { key: key.key })).status).toBe(401);
  });

  it('rotation keeps the old key for the overlap; overlap 0 stops it; an expired key is refused', async () => {
    const tenant = await integrationsTenant();
    const { partner, key } = await partnerWithKey(tenant.admin, ['users:read']);
    const rotated = await json(await call(t, `/api/v1/tenant/partners/${partner.id}/api-keys/${key.id}/rotate`, { method: 'POST', token: tenant.admin, body: { overlapMinutes: 30 } }));
    expect(rotated).toMatchObject({ name: 'Production', scopes: ['users:read'], status: 'active' });
    expect((await call(t, '/api/v1/tenant/users', { key: key.key })).status).toBe(200);
    expect((await call(t, '/api/v1/tenant/users', { key: rotated.key })).status).toBe(200);
    const keys = await json(await call(t, `/api/v1/tenant/partners/${partner.id}/api-keys`, { token: tenant.admin }));
    expect(keys.find((k: { id: string }) => k.id === key.id)).toMatchObject({ replacedBy: rotated.id, status: 'active', expiresAt: expect.any(String) });
    const again = await json(await call(t, `/api/v1/tenant/partners/${partner.id}/api-keys/${rotated.id}/rotate`, { method: 'POST', token: tenant.admin, body: { overlapMinutes: 0 } }));
    expect((await call(t, '/api/v1/tenant/users', { key: rotated.key })).status).toBe(401);
    expect((await call(t, '/api/v1/tenant/users', { key: again.key })).status).toBe(200);
    await t.db.query(`UPDATE partner_api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [key.id]);
    expect((await call(t, '/api/v1/tenant/users', { key: key.key })).status).toBe(401);
    const after = await json(await call(t, `/api/v1/tenant/partners/${partner.id}/api-keys`, { token: tenant.admin }));
    expect(after.find((k: { id: string }) => k.id === key.id).status).toBe('expired');
    const rotateExpired = await call(t, `/api/v1/tenant/partners/${partner.id}/api-keys/${key.id}/rotate`, { method: 'POST', token: tenant.admin, body: {} });
    expect((await json(rotateExpired)).code).toBe('api_key_revoked');
  });

  it('records the last use in batches, not per request', async () => {
    const tenant = await integrationsTenant();
    const { partner, key } = await partnerWithKey(tenant.admin, ['users:read']);
    for (let i = 0; i < 3; i += 1) expect((await call(t, '/api/v1/tenant/users', { key: key.key })).status).toBe(200);
    const [before] = await t.db.query(`SELECT last_used_at FROM partner_api_keys WHERE id = $1`, [key.id]);
    expect(before.last_used_at).toBeNull();
    const listed = await json(await call(t, `/api/v1/tenant/partners/${partner.id}/api-keys`, { token: tenant.admin }));
    expect(listed[0].lastUsedAt).toEqual(expect.any(String));
    await t.app.get(ApiKeysService).flushLastUsed();
    const [after] = await t.db.query(`SELECT last_used_at FROM partner_api_keys WHERE id = $1`, [key.id]);
    expect(after.last_used_at).not.toBeNull();
  });

  it('another tenant’s partner is a 404', async () => {
    const a = await integrationsTenant();
    const b = await integrationsTenant();
    const { partner, key } = await partnerWithKey(a.admin, ['users:read']);
    for (const [method, path] of [
      ['GET', `/api/v1/tenant/partners/${partner.id}`],
      ['PATCH', `/api/v1/tenant/partners/${partner.id}`],
      ['POST', `/api/v1/tenant/partners/${partner.id}/deactivate`],
      ['GET', `/api/v1/tenant/partners/${partner.id}/api-keys`],
      ['POST', `/api/v1/tenant/partners/${partner.id}/api-keys/${key.id}/revoke`],
    ]) {
      const res = await call(t, path, { method, token: b.admin, body: method === 'GET' ? undefined : {} });
      expect([path, res.status]).toEqual([path, 404]);
    }
    expect((await call(t, '/api/v1/tenant/users', { key: key.key })).status).toBe(200);
  });

  it('introspection (RFC 7662) answers active with tenant and partner, and only active: false otherwise', async () => {
    const tenant = await integrationsTenant();
    const { partner, key } = await partnerWithKey(tenant.admin, ['users:read', 'events:read']);
    const service = await serviceToken(t, ['api-keys:introspect']);
    const introspect = (token: string, svc = service) => call(t, '/api/v1/service/api-keys/introspect', { method: 'POST', token: svc, body: { token } });
    const ok = await json(await introspect(key.key));
    expect(ok).toEqual({ active: true, scope: 'users:read events:read', client_id: key.id, token_type: 'api_key', iat: expect.any(Number), sub: partner.id, tenant: { id: tenant.id, slug: tenant.slug }, partner: { id: partner.id, name: 'Acme Analytics' } });
    const form = await fetch(`${t.baseUrl}/api/v1/service/api-keys/introspect`, { method: 'POST', headers: { Authorization: `Bearer ${service}`, 'Content-Type': 'application/x-www-form-urlencoded' }, body: `token=${encodeURIComponent(key.key)}` });
    expect((await json(form)).active).toBe(true);
    expect(await json(await introspect('cpk_live_garbage'))).toEqual({ active: false });
    await call(t, `/api/v1/tenant/partners/${partner.id}/api-keys/${key.id}/revoke`, { method: 'POST', token: tenant.admin });
    expect(await json(await introspect(key.key))).toEqual({ active: false });
    const noScope = await introspect(key.key, await serviceToken(t, ['usage:read']));
    expect(noScope.status).toBe(403);
  });

  describe('the event stream (SSE)', () => {
    /** Opens the stream and collects its messages until `until` says stop (or 8 s pass). */
    async function collect(app: TestApp, auth: { token?: string; key?: string }, act: () => Promise<unknown>, until: (events: { id: string; event: string; data: Json }[]) => boolean, lastEventId?: string) {
      const controller = new AbortController();
      const res = await fetch(`${app.baseUrl}/api/v1/tenant/events/stream`, {
        headers: { ...(auth.token ? { Authorization: `Bearer ${auth.token}` } : {}), ...(auth.key ? { 'X-Api-Key': auth.key } : {}), ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}) },
        signal: controller.signal,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      const events: { id: string; event: string; data: Json }[] = [];
      let buffer = '';
      const timer = setTimeout(() => controller.abort(), 8000);
      let acted = false;
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
            if (fields.data) events.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) });
          }
          if (!acted) {
            acted = true;
            await act();
          }
          if (until(events)) break;
        }
      } catch (err) {
        if ((err as Error).name !== 'AbortError') throw err;
      } finally {
        clearTimeout(timer);
        controller.abort();
      }
      return events;
    }

    const addUser = (app: TestApp, admin: string, email: string) =>
      call(app, '/api/v1/tenant/users', { method: 'POST', token: admin, body: { email, fullName: 'Streamed User', role: 'member', password: 'a-long-enough-password' } });

    it('pushes the tenant’s committed events, from any instance, and resumes from Last-Event-ID', async () => {
      const tenant = await integrationsTenant();
      const email = `stream-${Date.now()}@example.test`;
      const live = await collect(t, { token: tenant.admin }, () => addUser(other, tenant.admin, email), (e) => e.some((x) => x.event === 'user.created'));
      const created = live.find((e) => e.event === 'user.created');
      expect(created).toMatchObject({ data: { name: 'user.created', tenantId: tenant.id, payload: expect.objectContaining({ email }) } });
      expect(created!.id).toBe(created!.data.eventId);

      // Events committed while disconnected are replayed after the last one seen.
      const second = `stream2-${Date.now()}@example.test`;
      expect((await addUser(t, tenant.admin, second)).status).toBe(201);
      const resumed = await collect(other, { token: tenant.admin }, async () => undefined, (e) => e.some((x) => x.event === 'user.created'), created!.id);
      expect(resumed.filter((e) => e.event === 'user.created').map((e) => e.data.payload.email)).toEqual([second]);
    });

    it('is open to a partner key with events:read, not to one without, nor to another tenant’s events', async () => {
      const tenant = await integrationsTenant();
      const stranger = await integrationsTenant();
      const { key } = await partnerWithKey(tenant.admin, ['events:read']);
      const { key: noEvents } = await partnerWithKey(tenant.admin, ['users:read']);
      const refused = await call(t, '/api/v1/tenant/events/stream', { key: noEvents.key });
      expect(refused.status).toBe(403);
      const email = `partner-stream-${Date.now()}@example.test`;
      const events = await collect(t, { key: key.key }, async () => {
        await addUser(t, stranger.admin, `stranger-${Date.now()}@example.test`);
        await addUser(t, tenant.admin, email);
      }, (e) => e.some((x) => x.event === 'user.created'));
      expect(events.every((e) => e.data.tenantId === tenant.id)).toBe(true);
      expect(events.find((e) => e.event === 'user.created')!.data.payload.email).toBe(email);
    });
  });

  it('staff are not partners: the owner cannot reach partner routes', async () => {
    const owner = (await loginStaff(t)).accessToken;
    expect((await call(t, '/api/v1/tenant/partners', { token: owner })).status).toBe(403);
  });
});
