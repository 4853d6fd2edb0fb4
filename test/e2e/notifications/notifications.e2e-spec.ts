import { randomUUID } from 'node:crypto';
import { createStaff, createTestApp, loginStaff, TestApp } from '../../support/app';
import { insertPlan, provisionTenantViaApi, serviceToken, signInToken, STANDARD_PLAN_LIMITS, waitFor } from '../../support/fixtures';
import { DomainEventEnvelope } from '../../../src/common/events';
import { NotificationDispatcher } from '../../../src/modules/notifications/notification-dispatcher';

/** A JSON body, loosely typed for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const json = (res: Response): Promise<Json> => res.json() as Promise<Json>;

describe('in-app notifications and tenant notification rules', () => {
  let t: TestApp;
  let other: TestApp;
  let owner: string;
  beforeAll(async () => {
    t = await createTestApp();
    other = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
  });
  afterAll(async () => {
    await t?.close();
    await other?.close();
  });

  const call = (path: string, token: string, init: { method?: string; body?: unknown } = {}, app = t) =>
    fetch(`${app.baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: { Authorization: `Bearer ${token}`, ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });

  /** A tenant provisioned through the API (so it gets the default rules), with a second admin, a manager and a viewer. */
  async function organisation() {
    const plan = await insertPlan(t, { limits: STANDARD_PLAN_LIMITS });
    const tenant = await provisionTenantViaApi(t, owner, plan.code, { trialDays: 0 } as never);
    const first = await signInToken(t, tenant.slug, tenant.admin.email, tenant.admin.password);
    const people: Record<string, { id: string; email: string; token: string }> = {};
    for (const role of ['admin', 'manager', 'viewer'] as const) {
      const email = `${role}-${randomUUID().slice(0, 8)}@example.test`;
      const res = await call('/api/v1/tenant/users', first, { method: 'POST', body: { email, fullName: `The ${role}`, role, password: 'a-long-enough-password' } });
      expect(res.status).toBe(201);
      const user = await json(res);
      people[role] = { id: user.id, email, token: await signInToken(t, tenant.slug, email, 'a-long-enough-password') };
    }
    return { tenant, first, second: people.admin, manager: people.manager, viewer: people.viewer };
  }

  const inbox = async (token: string) => (await json(await call('/api/v1/tenant/notifications', token))).data as Json[];
  const unread = async (token: string) => (await json(await call('/api/v1/tenant/notifications/unread-count', token))).unreadCount as number;
  const addMember = (token: string, email = `m-${randomUUID().slice(0, 8)}@example.test`) =>
    call('/api/v1/tenant/users', token, { method: 'POST', body: { email, fullName: 'Max Member', role: 'member', password: 'a-long-enough-password' } });

  it('a new organisation starts with the default rules', async () => {
    const { first } = await organisation();
    const rules = await json(await call('/api/v1/tenant/notification-rules', first));
    expect(rules.data.map((r: { eventType: string }) => r.eventType).sort()).toEqual(['impersonation.started', 'payment.failed', 'subscription.past_due', 'subscription.trial_will_end', 'usage.threshold_reached', 'user.created', 'webhook.endpoint_disabled']);
    expect(rules.data.every((r: Json) => r.isDefault && r.recipientRoles.join() === 'admin' && r.channel === 'in_app')).toBe(true);
    expect(rules.data.find((r: Json) => r.eventType === 'usage.threshold_reached').conditions).toEqual({ threshold: { in: [80, 100] } });
  });

  it('tells the other admins (not the actor, not the new user, not managers or viewers under the default rule) when a user is created; read, read-all, isolation', async () => {
    const org = await organisation();
    const before = await unread(org.first);
    const email = `new-${randomUUID().slice(0, 8)}@example.test`;
    expect((await addMember(org.second.token, email)).status).toBe(201);
    await waitFor(async () => (await unread(org.first)) > before);
    const mine = await inbox(org.first);
    const note = mine.find((n) => n.body.includes(email));
    expect(note).toMatchObject({ type: 'user.created', title: 'New user', severity: 'info', resourceType: 'user', isRead: false });
    expect((await inbox(org.second.token)).some((n) => n.body.includes(email))).toBe(false);
    expect((await inbox(org.manager.token)).length).toBe(0);
    expect((await inbox(org.viewer.token)).length).toBe(0);
    const [row] = await t.db.query(`SELECT count(*)::int AS n FROM tenant_notifications WHERE tenant_id = $1 AND body LIKE $2`, [org.tenant.id, `%${email}%`]);
    expect(row.n).toBe(1);

    // Another person's notification is a 404.
    const foreign = await call(`/api/v1/tenant/notifications/${note.id}/read`, org.second.token, { method: 'POST' });
    expect(foreign.status).toBe(404);
    expect((await json(foreign)).code).toBe('notification_not_found');
    const read = await json(await call(`/api/v1/tenant/notifications/${note.id}/read`, org.first, { method: 'POST' }));
    expect(read).toMatchObject({ id: note.id, isRead: true, readAt: expect.any(String) });
    const unreadOnly = await json(await call('/api/v1/tenant/notifications?isRead=false', org.first));
    expect(unreadOnly.data.some((n: Json) => n.id === note.id)).toBe(false);
    const all = await json(await call('/api/v1/tenant/notifications/read-all', org.first, { method: 'POST' }));
    expect(all.updated).toBeGreaterThanOrEqual(0);
    expect(await unread(org.first)).toBe(0);
  });

  it('a re-dispatched event never notifies twice', async () => {
    const org = await organisation();
    const envelope: DomainEventEnvelope = {
      eventId: randomUUID(),
      name: 'user.created',
      occurredAt: new Date().toISOString(),
      tenantId: org.tenant.id,
      actor: { type: 'tenant', id: org.second.id, impersonatorId: null },
      payload: { userId: randomUUID(), email: 'ghost@example.test', role: 'member', isActive: true },
    };
    const dispatcher = t.app.get(NotificationDispatcher);
    expect(await dispatcher.notify(envelope)).toBe(1);
    expect(await dispatcher.notify(envelope)).toBe(0);
    const [row] = await t.db.query(`SELECT count(*)::int AS n FROM tenant_notifications WHERE event_id = $1`, [envelope.eventId]);
    expect(row.n).toBe(1);
  });

  it('rules: conditions choose the events, roles outside the type’s audience are never reached, muted types are skipped', async () => {
    const org = await organisation();
    const bad = await call('/api/v1/tenant/notification-rules', org.first, { method: 'POST', body: { name: 'x', eventType: 'user.created', conditions: { role: { between: [1, 2] } } } });
    expect(bad.status).toBe(400);
    expect((await json(bad)).errors[0].field).toBe('conditions.role');
    const rule = await json(await call('/api/v1/tenant/notification-rules', org.first, { method: 'POST', body: { name: 'Viewers added', eventType: 'user.created', conditions: { role: 'viewer' }, recipientRoles: ['manager'] } }));
    expect(rule).toMatchObject({ eventType: 'user.created', conditions: { role: 'viewer' }, recipientRoles: ['manager'], isDefault: false });
    const dispatcher = t.app.get(NotificationDispatcher);
    const event = (payload: Record<string, unknown>, name = 'user.created'): DomainEventEnvelope => ({ eventId: randomUUID(), name, occurredAt: new Date().toISOString(), tenantId: org.tenant.id, actor: { type: 'system', id: null, impersonatorId: null }, payload });
    await dispatcher.notify(event({ userId: randomUUID(), email: 'm@example.test', role: 'member' }));
    expect((await inbox(org.manager.token)).length).toBe(0);
    await dispatcher.notify(event({ userId: randomUUID(), email: 'v@example.test', role: 'viewer' }));
    expect((await inbox(org.manager.token)).map((n) => n.body)).toEqual(['v@example.test was added as viewer.']);

    // Billing types reach admins only, whatever a rule names.
    await call('/api/v1/tenant/notification-rules', org.first, { method: 'POST', body: { name: 'Everyone', eventType: 'payment.failed', recipientRoles: ['viewer', 'manager', 'admin'] } });
    await dispatcher.notify(event({ paymentId: randomUUID(), invoiceId: randomUUID(), invoiceNumber: 'INV-2026-000001', amountCents: 4900, currency: 'USD', failureCode: 'card_declined', nextRetryAt: null }, 'payment.failed'));
    expect((await inbox(org.viewer.token)).length).toBe(0);
    expect((await inbox(org.manager.token)).some((n) => n.type === 'payment.failed')).toBe(false);
    expect((await inbox(org.first)).find((n) => n.type === 'payment.failed')).toMatchObject({ severity: 'critical', body: expect.stringContaining('49.00 USD') });

    // Muting a type.
    expect((await json(await call('/api/v1/tenant/notifications/preferences', org.manager.token, { method: 'PUT', body: { mutedTypes: ['user.created'] } }))).mutedTypes).toEqual(['user.created']);
    await dispatcher.notify(event({ userId: randomUUID(), email: 'v2@example.test', role: 'viewer' }));
    expect((await inbox(org.manager.token)).length).toBe(1);
    const badPrefs = await call('/api/v1/tenant/notifications/preferences', org.manager.token, { method: 'PUT', body: { mutedTypes: ['nope'] } });
    expect(badPrefs.status).toBe(400);

    // Rules of another tenant are a 404; a rule can be changed and deleted.
    const stranger = await organisation();
    expect((await call(`/api/v1/tenant/notification-rules/${rule.id}`, stranger.first)).status).toBe(404);
    expect((await json(await call(`/api/v1/tenant/notification-rules/${rule.id}`, org.first, { method: 'PATCH', body: { isActive: false } }))).isActive).toBe(false);
    expect((await call(`/api/v1/tenant/notification-rules/${rule.id}`, org.first, { method: 'DELETE' })).status).toBe(204);
    expect((await call(`/api/v1/tenant/notification-rules/${rule.id}`, org.first)).status).toBe(404);
  });

  it('streams new notifications and the unread count, across instances (SSE)', async () => {
    const org = await organisation();
    await call('/api/v1/tenant/notifications/read-all', org.first, { method: 'POST' });
    const controller = new AbortController();
    const res = await fetch(`${other.baseUrl}/api/v1/tenant/notifications/stream`, { headers: { Authorization: `Bearer ${org.first}` }, signal: controller.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const timer = setTimeout(() => controller.abort(), 8000);
    const email = `streamed-${randomUUID().slice(0, 8)}@example.test`;
    let acted = false;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
        if (!acted && text.includes('event: unread_count')) {
          acted = true;
          expect((await addMember(org.second.token, email)).status).toBe(201);
        }
        if (text.includes(email) && /event: unread_count\ndata: \{"unreadCount":1\}/.test(text)) break;
      }
    } catch (err) {
      if ((err as Error).name !== 'AbortError') throw err;
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
    expect(text).toContain('event: notification');
    expect(text).toContain(email);
    expect(text).toMatch(/event: unread_count\ndata: \{"unreadCount":1\}/);
  });

  it('tells the admins when usage passes 80 % (a product module reserving projects)', async () => {
    const org = await organisation();
    const service = await serviceToken(t, ['quota:reserve']);
    const reserve = (amount: number) =>
      fetch(`${t.baseUrl}/api/v1/service/quota/reservations`, { method: 'POST', headers: { Authorization: `Bearer ${service}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ tenantId: org.tenant.id, metric: 'projects', amount, idempotencyKey: randomUUID() }) });
    expect((await reserve(4)).status).toBe(201); // 4 of 5: 80 %
    await waitFor(async () => (await inbox(org.first)).some((n) => n.type === 'usage.threshold_reached'));
    expect((await inbox(org.first)).find((n) => n.type === 'usage.threshold_reached')).toMatchObject({ title: 'Usage at 80 %', body: expect.stringContaining('4 of 5 projects'), severity: 'warning' });
    expect((await inbox(org.viewer.token)).length).toBe(0);
  });

  it('staff have their own inbox', async () => {
    // A new staff member starts empty (the owner may hold alert notifications of other files).
    const member = await createStaff(t, owner, 'support');
    const fresh = (await loginStaff(t, member.email, member.password)).accessToken;
    expect((await json(await call('/api/v1/admin/notifications/unread-count', fresh))).unreadCount).toBe(0);
    expect((await call(`/api/v1/admin/notifications/${randomUUID()}/read`, owner, { method: 'POST' })).status).toBe(404);
    const org = await organisation();
    expect((await call('/api/v1/admin/notifications', org.first)).status).toBe(403);
  });
});
