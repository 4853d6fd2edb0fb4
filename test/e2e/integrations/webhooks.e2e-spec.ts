import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { createTestApp, loginStaff, TestApp } from '../../support/app';
import { ensureCatalogModule, insertPlan, outboxEvents, provisionTenant, provisionTenantViaApi, signInToken, STANDARD_PLAN_LIMITS, waitFor } from '../../support/fixtures';
import { WebhookReceiver } from '../../support/webhook-receiver';
import { WebhookDelivery } from '../../../src/modules/integrations/webhooks/webhook-delivery.service';
import { WebhookSender } from '../../../src/modules/integrations/webhooks/webhook-sender';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Deliveries reach the loopback receiver only through the test-only allow-list; retries are fast. */
const WEBHOOK_ENV = { WEBHOOK_ALLOWED_PRIVATE_TARGETS: '127.0.0.1', WEBHOOK_RETRY_SCHEDULE_SECONDS: '0.2,0.2,0.2', WEBHOOK_TIMEOUT_MS: '2000' };

describe('outbound webhooks: endpoints, signed delivery, retries, log, replay, health, platform webhooks', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let planCode: string;
  beforeAll(async () => {
    t = await createTestApp(WEBHOOK_ENV);
    receiver = await new WebhookReceiver().start();
    await ensureCatalogModule(t, 'integrations');
    planCode = (await insertPlan(t, { limits: STANDARD_PLAN_LIMITS, features: { integrations: true } })).code;
  });
  afterAll(async () => {
    await receiver?.stop();
    await t?.close();
  });

  const call = async (path: string, token: string, method = 'GET', body?: unknown): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${t.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  /** A tenant provisioned through the API (so it has its default notification rules), its admin signed in. */
  const tenant = async () => {
    const x = await provisionTenantViaApi(t, (await loginStaff(t)).accessToken, planCode);
    return { ...x, token: await signInToken(t, x.slug, x.admin.email, x.admin.password) };
  };
  const endpoint = async (token: string, over: Record<string, unknown> = {}) => {
    const path = `/${randomUUID()}`;
    const res = await call('/api/v1/tenant/webhook-endpoints', token, 'POST', { url: `${receiver.url}${path}`, eventTypes: ['user.*'], ...over });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return { ...res.body, path } as Json;
  };
  const addUser = (token: string, email = `${randomUUID().slice(0, 8)}@example.com`) => call('/api/v1/tenant/users', token, 'POST', { email, fullName: 'Grace Hopper', role: 'member' });
  const messages = async (token: string, endpointId: string) => (await call(`/api/v1/tenant/webhook-endpoints/${endpointId}/messages?limit=100`, token)).body.data as Json[];

  it('is gated by the integrations module', async () => {
    const plain = await provisionTenant(t, (await insertPlan(t, { limits: STANDARD_PLAN_LIMITS })).code, { trialDays: 0 });
    const token = await signInToken(t, plain.slug, plain.admin.email, plain.admin.password);
    const res = await call('/api/v1/tenant/webhook-endpoints', token);
    expect(res).toMatchObject({ status: 403, body: { code: 'module_not_enabled' } });
  });

  it('validates what is saved, naming the field; stores secret headers encrypted and shows them masked', async () => {
    const a = await tenant();
    const bad = async (over: Record<string, unknown>) => (await call('/api/v1/tenant/webhook-endpoints', a.token, 'POST', { url: `${receiver.url}/x`, eventTypes: ['user.*'], ...over })).body;
    expect((await bad({ url: 'ftp://example.com/hook' })).errors[0].field).toBe('url');
    expect((await bad({ url: 'http://10.0.0.1/hook' })).errors[0].field).toBe('url');
    expect((await bad({ url: 'http://169.254.169.254/latest/meta-data' })).errors[0].field).toBe('url');
    expect((await bad({ eventTypes: ['user.exploded'] })).errors[0].field).toBe('eventTypes[0]');
    expect((await bad({ eventTypes: ['staff.*'] })).errors[0].field).toBe('eventTypes[0]'); // platform-only family
    expect((await bad({ payloadTemplate: '{ "a": ' })).errors[0]).toMatchObject({ field: 'payloadTemplate', message: expect.stringContaining('JSONata') });
    expect((await bad({ headers: [{ name: 'webhook-signature', value: 'x' }] })).errors[0].field).toBe('headers[0].name');

    const created = await endpoint(a.token, { headers: [{ name: 'X-Api-Key', value: 'pk_live_partner_secret_value' }, { name: 'X-Env', value: 'prod', secret: false }] });
    expect(created.signingSecret).toMatch(/^whsec_/);
    expect(created.headers).toEqual([
      { name: 'X-Api-Key', secret: true, value: 'pk_l…(28)' },
      { name: 'X-Env', secret: false, value: 'prod' },
    ]);
    const [row] = await t.db.query(`SELECT headers, secret FROM webhook_endpoints WHERE id = $1`, [created.id]);
    expect(JSON.stringify(row.headers)).not.toContain('pk_live_partner_secret_value');
    expect(row.secret).not.toContain(created.signingSecret.slice(6));
    const got = await call(`/api/v1/tenant/webhook-endpoints/${created.id}`, a.token);
    expect(got.body.signingSecret).toBeUndefined();
  });

  it('a partner key with webhooks:write manages the tenant’s endpoints (audited as the partner); without the scope it is refused', async () => {
    const a = await tenant();
    const partner = (await call('/api/v1/tenant/partners', a.token, 'POST', { name: 'Hook Partner' })).body;
    const keyOf = async (scopes: string[]) => (await call(`/api/v1/tenant/partners/${partner.id}/api-keys`, a.token, 'POST', { name: scopes.join(), scopes })).body.key as string;
    const writer = await keyOf(['webhooks:write']);
    const reader = await keyOf(['users:read']);
    const asKey = (key: string, method = 'GET', body?: unknown) =>
      fetch(`${t.baseUrl}/api/v1/tenant/webhook-endpoints`, { method, headers: { 'X-Api-Key': key, ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const created = await asKey(writer, 'POST', { url: `${receiver.url}/partner-own`, eventTypes: ['user.created'], partnerId: partner.id });
    expect(created.status).toBe(201);
    const endpointId = ((await created.json()) as Json).id;
    expect((await asKey(writer)).status).toBe(200);
    expect((await asKey(reader)).status).toBe(403);
    const [row] = await t.db.query(`SELECT actor_type, metadata FROM audit_logs WHERE action = 'webhookEndpoint.create' AND resource_id = $1`, [endpointId]);
    expect(row.actor_type).toBe('partner');
  });

  it('renders the payload definition on a sample event; an unknown type is a 400', async () => {
    const a = await tenant();
    const ep = await endpoint(a.token, { payloadTemplate: '{ "kind": type, "who": data.email, "source": "control-plane" }' });
    const preview = await call(`/api/v1/tenant/webhook-endpoints/${ep.id}/preview`, a.token, 'POST', { eventType: 'user.created' });
    expect(preview.status).toBe(200);
    expect(preview.body.body).toEqual({ kind: 'user.created', who: preview.body.event.data.email, source: 'control-plane' });
    expect((await call(`/api/v1/tenant/webhook-endpoints/${ep.id}/preview`, a.token, 'POST', { eventType: 'nope.nope' })).body.errors[0].field).toBe('eventType');
  });

  it('delivers a committed event once, signed per Standard Webhooks, with the rendered body and custom headers; logs the attempt without secrets', async () => {
    const a = await tenant();
    const ep = await endpoint(a.token, { payloadTemplate: '{ "kind": type, "email": data.email }', headers: [{ name: 'X-Api-Key', value: 'pk_live_partner_secret_value' }] });
    expect((await addUser(a.token, 'ada@example.com')).status).toBe(201);
    await waitFor(async () => receiver.at(ep.path).length === 1, 10_000);
    const [got] = receiver.at(ep.path);
    const verified = new Webhook(ep.signingSecret).verify(got.body, got.headers);
    expect(verified).toEqual({ kind: 'user.created', email: 'ada@example.com' });
    expect(got.headers['x-api-key']).toBe('pk_live_partner_secret_value');

    await waitFor(async () => (await messages(a.token, ep.id))[0]?.status === 'succeeded');
    const [message] = await messages(a.token, ep.id);
    expect(message).toMatchObject({ id: got.headers['webhook-id'], eventType: 'user.created', attempts: 1, lastStatusCode: 204, body: { kind: 'user.created', email: 'ada@example.com' } });
    const attempts = (await call(`/api/v1/tenant/webhook-endpoints/${ep.id}/messages/${message.id}/attempts`, a.token)).body;
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ attemptNumber: 1, responseStatus: 204, success: true, error: null });
    expect(attempts[0].requestHeaders['x-api-key']).toBe('••••••');
    expect(JSON.stringify(attempts)).not.toContain('pk_live_partner_secret_value');

    // A re-dispatch of the same event (the relay after a crash) creates nothing and sends nothing again.
    const outbox = (await outboxEvents(t, a.id, 'user.created')).find((e) => (e.payload as Json).email === 'ada@example.com')!;
    const delivery = t.app.get(WebhookDelivery);
    const { UnitOfWork } = await import('../../../src/common/events');
    expect(await t.app.get(UnitOfWork).run(() => delivery.fanOut(outbox.envelope as Json))).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.at(ep.path)).toHaveLength(1);
  });

  it('retries a failing receiver on the schedule, then fails the message (webhook.delivery_exhausted); replay after recovery delivers it', async () => {
    const a = await tenant();
    const ep = await endpoint(a.token);
    receiver.answers.set(ep.path, () => ({ status: 503, body: 'down for maintenance' }));
    await addUser(a.token);
    await waitFor(async () => (await messages(a.token, ep.id))[0]?.status === 'failed', 15_000);
    const [message] = await messages(a.token, ep.id);
    expect(message).toMatchObject({ attempts: 4, lastStatusCode: 503, lastError: 'HTTP 503' });
    const ids = new Set(receiver.at(ep.path).map((r) => r.headers['webhook-id']));
    expect(ids).toEqual(new Set([message.id])); // the same webhook-id on every retry
    const attempts = (await call(`/api/v1/tenant/webhook-endpoints/${ep.id}/messages/${message.id}/attempts`, a.token)).body;
    expect(attempts.map((x: Json) => x.attemptNumber)).toEqual([1, 2, 3, 4]);
    expect(attempts[0].responseBody).toBe('down for maintenance');
    const exhausted = await outboxEvents(t, a.id, 'webhook.delivery_exhausted');
    expect(exhausted.map((e) => e.payload)).toEqual([expect.objectContaining({ endpointId: ep.id, messageId: message.id, attempts: 4 })]);

    const health = (await call(`/api/v1/tenant/webhook-endpoints/${ep.id}/health`, a.token)).body;
    expect(health).toMatchObject({ isActive: true, consecutiveFailures: 4, successRate24h: 0, attempts24h: 4, failed7d: 1, lastError: 'HTTP 503' });

    receiver.answers.delete(ep.path);
    const replay = await call(`/api/v1/tenant/webhook-endpoints/${ep.id}/replay`, a.token, 'POST', { since: new Date(Date.now() - 3_600_000).toISOString() });
    expect(replay).toMatchObject({ status: 202, body: { queued: 1 } });
    await waitFor(async () => (await messages(a.token, ep.id))[0]?.status === 'succeeded', 10_000);
    const after = (await call(`/api/v1/tenant/webhook-endpoints/${ep.id}/health`, a.token)).body;
    expect(after).toMatchObject({ consecutiveFailures: 0, breaker: 'closed', successRate24h: 0.2 });
    const overview = (await call('/api/v1/tenant/integrations/health', a.token)).body;
    expect(overview).toMatchObject({ endpoints: 1, activeEndpoints: 1, backlog: 0, endpointHealth: [expect.objectContaining({ endpointId: ep.id })] });
  });

  it('honours Retry-After on 429, disables the endpoint on 410 (webhook.endpoint_disabled), opens the breaker after consecutive failures', async () => {
    const a = await tenant();
    const slow = await endpoint(a.token);
    receiver.answers.set(slow.path, (_req, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
    const gone = await endpoint(a.token);
    receiver.answers.set(gone.path, () => ({ status: 410 }));
    await addUser(a.token);
    await waitFor(async () => receiver.at(slow.path).length === 2, 10_000);
    const [first, second] = receiver.at(slow.path);
    expect(second.at - first.at).toBeGreaterThanOrEqual(900);

    await waitFor(async () => (await call(`/api/v1/tenant/webhook-endpoints/${gone.id}`, a.token)).body.isActive === false, 10_000);
    expect((await call(`/api/v1/tenant/webhook-endpoints/${gone.id}`, a.token)).body).toMatchObject({ isActive: false, disabledReason: 'gone' });
    expect((await outboxEvents(t, a.id, 'webhook.endpoint_disabled')).map((e) => e.payload)).toEqual([expect.objectContaining({ endpointId: gone.id, reason: 'gone', url: `${receiver.url}${gone.path}` })]);
    expect(receiver.at(gone.path)).toHaveLength(1);
    // The default notification rule tells the tenant's admins.
    await waitFor(async () => (await t.db.query(`SELECT 1 FROM tenant_notifications WHERE tenant_id = $1 AND recipient_id = $2 AND type = 'webhook.endpoint_disabled' AND resource_id = $3`, [a.id, a.admin.id, gone.id])).length === 1);
    expect((await call(`/api/v1/tenant/webhook-endpoints/${gone.id}/test`, a.token, 'POST', { eventType: 'user.created' })).body.code).toBe('webhook_endpoint_disabled');

    const dead = await endpoint(a.token);
    receiver.answers.set(dead.path, () => ({ status: 500 }));
    await addUser(a.token);
    await addUser(a.token);
    await waitFor(async () => (await call(`/api/v1/tenant/webhook-endpoints/${dead.id}/health`, a.token)).body.breaker === 'open', 15_000);
    const sent = receiver.at(dead.path).length;
    expect(sent).toBeGreaterThanOrEqual(5);
    await new Promise((r) => setTimeout(r, 800));
    expect(receiver.at(dead.path).length).toBe(sent); // while open, nothing is sent
  });

  it('signs with both secrets for 24 h after a rotation', async () => {
    const a = await tenant();
    const ep = await endpoint(a.token);
    const rotated = await call(`/api/v1/tenant/webhook-endpoints/${ep.id}/rotate-secret`, a.token, 'POST');
    expect(rotated.status).toBe(200);
    expect(rotated.body.signingSecret).not.toBe(ep.signingSecret);
    expect(Date.parse(rotated.body.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    const test = await call(`/api/v1/tenant/webhook-endpoints/${ep.id}/test`, a.token, 'POST', { eventType: 'user.created' });
    expect(test.body).toMatchObject({ message: { status: 'succeeded', test: true }, attempt: { success: true, responseStatus: 204 } });
    const [got] = receiver.at(ep.path);
    expect(got.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(ep.signingSecret).verify(got.body, got.headers)).not.toThrow();
    expect(() => new Webhook(rotated.body.signingSecret).verify(got.body, got.headers)).not.toThrow();
    expect(() => new Webhook(`whsec_${Buffer.from(randomUUID()).toString('base64')}`).verify(got.body, got.headers)).toThrow();
  });

  it('per_tenant ordering delivers in event order, also through an outage', async () => {
    const a = await tenant();
    const ep = await endpoint(a.token, { ordering: 'per_tenant', payloadTemplate: '{ "email": data.email }' });
    receiver.answers.set(ep.path, (_req, i) => (i < 2 ? { status: 503 } : { status: 204 }));
    for (const n of [1, 2, 3, 4]) expect((await addUser(a.token, `order${n}-${randomUUID().slice(0, 6)}@example.com`)).status).toBe(201);
    await waitFor(async () => (await messages(a.token, ep.id)).filter((m) => m.status === 'succeeded').length === 4, 15_000);
    const delivered = receiver.at(ep.path).filter((_r, i) => i >= 2).map((r) => (JSON.parse(r.body) as { email: string }).email.slice(0, 6));
    expect(delivered).toEqual(['order1', 'order2', 'order3', 'order4']);
  });

  it('reclaims a message left delivering by a crashed worker (stale lease) and delivers it', async () => {
    const a = await tenant();
    const ep = await endpoint(a.token);
    receiver.answers.set(ep.path, () => ({ status: 204, delayMs: 0 }));
    // What a kill -9 mid-delivery leaves: the message claimed (attempt counted, lease taken), no job.
    const id = randomUUID();
    await t.db.query(
      `INSERT INTO webhook_messages (id, endpoint_id, tenant_id, event_tenant_id, event_id, event_type, body, status, attempts, locked_until, next_attempt_at)
       VALUES ($1, $2, $3, $3, $4, 'user.created', '{"crashed":true}', 'delivering', 1, now() - interval '1 second', now() - interval '1 minute')`,
      [id, ep.id, a.id, randomUUID()],
    );
    expect(await t.app.get(WebhookDelivery).sweep()).toBeGreaterThanOrEqual(1);
    await waitFor(async () => (await t.db.query(`SELECT status FROM webhook_messages WHERE id = $1`, [id]))[0].status === 'succeeded', 10_000);
    const [row] = await t.db.query(`SELECT attempts FROM webhook_messages WHERE id = $1`, [id]);
    expect(row.attempts).toBe(2);
    expect(receiver.at(ep.path).map((r) => r.headers['webhook-id'])).toEqual([id]);
  });

  it('documents the catalog and each endpoint (rendered example, headers, verification)', async () => {
    const a = await tenant();
    const types = (await call('/api/v1/tenant/event-types?limit=100', a.token)).body;
    const names = types.data.map((x: Json) => x.type);
    expect(names).toEqual(expect.arrayContaining(['user.created', 'usage.limit_reached', 'webhook.endpoint_disabled']));
    expect(names).not.toContain('staff.created');
    expect(types.data.find((x: Json) => x.type === 'user.created')).toMatchObject({ schema: { type: 'object' }, example: expect.any(Object) });
    const staff = (await loginStaff(t)).accessToken;
    expect((await call('/api/v1/admin/event-types?limit=100', staff)).body.data.map((x: Json) => x.type)).toContain('staff.created');
    const ep = await endpoint(a.token, { payloadTemplate: '{ "kind": type }' });
    const docs = (await call(`/api/v1/tenant/webhook-endpoints/${ep.id}/docs`, a.token)).body;
    expect(docs.eventTypes).toEqual(expect.arrayContaining(['user.created', 'user.deactivated']));
    expect(docs.example.body).toEqual({ kind: docs.eventTypes[0] });
    expect(docs.headers.map((h: Json) => h.name)).toEqual(expect.arrayContaining(['webhook-id', 'webhook-timestamp', 'webhook-signature']));
    expect(docs.verification).toContain("new Webhook(");
  });

  it('keeps tenants apart (BOLA) and platform webhooks for staff, which receive events across tenants', async () => {
    const a = await tenant();
    const b = await tenant();
    const ep = await endpoint(a.token);
    const msg = (await call(`/api/v1/tenant/webhook-endpoints/${ep.id}/test`, a.token, 'POST', { eventType: 'user.created' })).body.message;
    for (const [method, path, body] of [
      ['GET', `/api/v1/tenant/webhook-endpoints/${ep.id}`],
      ['PATCH', `/api/v1/tenant/webhook-endpoints/${ep.id}`, { description: 'mine now' }],
      ['DELETE', `/api/v1/tenant/webhook-endpoints/${ep.id}`],
      ['POST', `/api/v1/tenant/webhook-endpoints/${ep.id}/rotate-secret`],
      ['POST', `/api/v1/tenant/webhook-endpoints/${ep.id}/test`, { eventType: 'user.created' }],
      ['POST', `/api/v1/tenant/webhook-endpoints/${ep.id}/replay`, { since: '2026-01-01T00:00:00Z' }],
      ['GET', `/api/v1/tenant/webhook-endpoints/${ep.id}/messages`],
      ['GET', `/api/v1/tenant/webhook-endpoints/${ep.id}/messages/${msg.id}/attempts`],
      ['POST', `/api/v1/tenant/webhook-endpoints/${ep.id}/messages/${msg.id}/retry`],
      ['GET', `/api/v1/tenant/webhook-endpoints/${ep.id}/health`],
      ['GET', `/api/v1/tenant/webhook-endpoints/${ep.id}/docs`],
    ] as [string, string, unknown?][]) {
      const res = await call(path, b.token, method, body);
      expect([path, res.status, res.body?.code]).toEqual([path, 404, 'webhook_endpoint_not_found']);
    }
    expect((await call(`/api/v1/tenant/webhook-endpoints/${ep.id}`, a.token)).body.description).toBeNull();
    expect((await call(`/api/v1/admin/webhooks/${ep.id}`, (await loginStaff(t)).accessToken)).status).toBe(404);

    const staff = (await loginStaff(t)).accessToken;
    const path = `/${randomUUID()}`;
    const platform = await call('/api/v1/admin/webhooks', staff, 'POST', { url: `${receiver.url}${path}`, eventTypes: ['tenant.created'], description: 'CRM sync' });
    expect(platform.status).toBe(201);
    expect(platform.body.tenantId).toBeNull();
    expect((await call(`/api/v1/tenant/webhook-endpoints/${platform.body.id}`, a.token)).status).toBe(404);
    expect((await call('/api/v1/admin/webhooks', a.token)).status).toBe(403);
    const c = await provisionTenantViaApi(t, staff, planCode);
    await waitFor(async () => receiver.at(path).some((r) => (JSON.parse(r.body) as Json).data.tenantId === c.id), 10_000);
    const got = receiver.at(path).find((r) => (JSON.parse(r.body) as Json).data.tenantId === c.id)!;
    expect(new Webhook(platform.body.signingSecret).verify(got.body, got.headers)).toMatchObject({ type: 'tenant.created', tenantId: c.id });
    const put = await call(`/api/v1/admin/webhooks/${platform.body.id}`, staff, 'PUT', { isActive: false });
    expect(put.body).toMatchObject({ isActive: false, disabledReason: 'manual' });
    expect((await call(`/api/v1/admin/webhooks/${platform.body.id}`, staff, 'DELETE')).status).toBe(204);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM webhook_messages WHERE endpoint_id = $1`, [platform.body.id]))[0].n).toBe(0);
  });
});

describe('webhook delivery refuses private targets (SSRF), also after DNS and redirects', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    t = await createTestApp({ WEBHOOK_TIMEOUT_MS: '2000' });
    receiver = await new WebhookReceiver().start();
  });
  afterAll(async () => {
    await receiver?.stop();
    await t?.close();
  });

  it.each(['http://127.0.0.1:9/hook', 'http://10.0.0.1/hook', 'http://169.254.169.254/latest/meta-data', 'http://[::1]:9/hook', 'http://localhost:9/hook', `RECEIVER`])('refuses %s without sending', async (target) => {
    const url = target === 'RECEIVER' ? `${receiver.url}/ssrf` : target;
    const res = await t.app.get(WebhookSender).send({ url, messageId: randomUUID(), body: '{}', secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], headers: [], at: new Date() });
    expect(res).toMatchObject({ success: false, status: null });
    expect(res.error).toMatch(/not allowed|private|loopback|link-local|meta|DNS lookup/i);
    expect(receiver.at('/ssrf')).toHaveLength(0);
  });
});

describe('webhook delivery does not follow redirects', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    t = await createTestApp(WEBHOOK_ENV);
    receiver = await new WebhookReceiver().start();
  });
  afterAll(async () => {
    await receiver?.stop();
    await t?.close();
  });

  it('a 3xx to a metadata address is a failed attempt; the target is never requested', async () => {
    receiver.answers.set('/redirect', () => ({ status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data' } }));
    receiver.answers.set('/to-self', () => ({ status: 307, headers: { location: `${receiver.url}/landing` } }));
    const send = (path: string) => t.app.get(WebhookSender).send({ url: `${receiver.url}${path}`, messageId: randomUUID(), body: '{}', secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], headers: [], at: new Date() });
    expect(await send('/redirect')).toMatchObject({ success: false, status: 302, error: 'redirect to http://169.254.169.254/latest/meta-data not followed' });
    expect((await send('/to-self')).success).toBe(false);
    expect(receiver.at('/landing')).toHaveLength(0);
  });
});
