import { randomUUID } from 'node:crypto';
import {
  auditRowsFor,
  createStaff,
  createTestApp,
  CreatedStaff,
  expectProblem,
  loginStaff,
  OWNER,
  requestId,
  TestApp,
  unique,
} from '../../support/app';

const PASSWORD_KEYS = /password|hash/i;

describe('staff management (owners only): /api/v1/admin/staff', () => {
  let t: TestApp;
  let owner: string;
  let ownerId: string;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
    ownerId = (await t.as(owner).GET('/api/v1/auth/me')).data!.id;
  });
  afterAll(() => t.close());

  const patch = (token: string, staffId: string, body: { fullName?: string; role?: 'owner' | 'admin' | 'support'; isActive?: boolean }, headers: Record<string, string> = {}) =>
    t.as(token).PATCH('/api/v1/admin/staff/{staffId}', { params: { path: { staffId } }, body, headers });
  const newStaff = (role: 'owner' | 'admin' | 'support' = 'support') => ({ email: `${unique(role)}@Example.Test`, fullName: 'Sam Support', role, password: 'a-long-enough-password' });

  describe('CRUD by an owner', () => {
    it('creates a staff member (201, email normalised, no password material) with its audit row and staff.created outbox row', async () => {
      const body = newStaff('support');
      const id = requestId('create');
      const { data, response } = await t.as(owner).POST('/api/v1/admin/staff', { body, headers: { 'X-Request-Id': id } });
      expect(response.status).toBe(201);
      expect(response.headers.get('x-request-id')).toBe(id);
      expect(data).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        email: body.email.toLowerCase(),
        fullName: 'Sam Support',
        role: 'support',
        isActive: true,
        lastLoginAt: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(Object.keys(data!).filter((k) => PASSWORD_KEYS.test(k))).toEqual([]);

      const [stored] = await t.db.query(`SELECT password_hash FROM staff_members WHERE id = $1`, [data!.id]);
      // argon2id with the OWASP parameters m = 19 MiB, t = 2, p = 1 (PHC string; parameter order varies).
      const [, alg, , params] = (stored.password_hash as string).split('$');
      expect(alg).toBe('argon2id');
      expect(params.split(',').sort()).toEqual(['m=19456', 'p=1', 't=2']);

      const [row] = await auditRowsFor(t, id);
      expect(row).toMatchObject({ action: 'staff.create', module: 'iam', resourceType: 'staff', resourceId: data!.id, outcome: 'success', statusCode: 201, actorId: ownerId, actorEmail: OWNER.email });
      const outbox = await t.db.query(`SELECT event_name, envelope FROM outbox WHERE envelope->'payload'->>'staffId' = $1`, [data!.id]);
      expect(outbox).toHaveLength(1);
      expect(outbox[0].event_name).toBe('staff.created');
      expect(outbox[0].envelope).toMatchObject({ name: 'staff.created', payload: { staffId: data!.id, role: 'support', isActive: true }, actor: { type: 'platform', id: ownerId } });
    });

    it('lists (offset pagination, no password material) and gets by id', async () => {
      const created = await createStaff(t, owner, 'admin');
      const { data: page } = await t.as(owner).GET('/api/v1/admin/staff', { params: { query: { limit: 100 } } });
      expect(page!.meta).toMatchObject({ limit: 100, offset: 0, total: expect.any(Number) });
      expect(page!.meta.total).toBeGreaterThanOrEqual(2);
      expect(JSON.stringify(page)).not.toMatch(/password|argon2/i);
      const { data: second } = await t.as(owner).GET('/api/v1/admin/staff', { params: { query: { limit: 1, offset: 1 } } });
      expect(second!.data).toHaveLength(1);
      expect(second!.meta).toMatchObject({ limit: 1, offset: 1, total: page!.meta.total });

      const { data: one } = await t.as(owner).GET('/api/v1/admin/staff/{staffId}', { params: { path: { staffId: created.id } } });
      expect(one).toMatchObject({ id: created.id, email: created.email, role: 'admin', isActive: true });
      expect(Object.keys(one!).filter((k) => PASSWORD_KEYS.test(k))).toEqual([]);
    });

    it('rejects list limits over 100', async () => {
      const problem = await expectProblem(await t.as(owner).GET('/api/v1/admin/staff', { params: { query: { limit: 101 } } }), 400, 'validation_failed');
      expect(problem.errors?.map((e) => e.field)).toEqual(['limit']);
    });

    it('patches name and role; the audit row carries before/after and a staff.updated event is written', async () => {
      const staff = await createStaff(t, owner, 'support');
      const id = requestId('patch');
      const { data } = await patch(owner, staff.id, { fullName: 'Renamed', role: 'admin' }, { 'X-Request-Id': id });
      expect(data).toMatchObject({ id: staff.id, fullName: 'Renamed', role: 'admin', isActive: true });
      const [row] = await auditRowsFor(t, id);
      expect(row).toMatchObject({ action: 'staff.update', resourceId: staff.id, outcome: 'success', statusCode: 200 });
      expect(row.changes).toMatchObject({
        request: { fullName: 'Renamed', role: 'admin' },
        before: { role: 'support', fullName: 'Test support' },
        after: { role: 'admin', fullName: 'Renamed' },
      });
      const events = await t.db.query(`SELECT envelope FROM outbox WHERE event_name = 'staff.updated' AND envelope->'payload'->>'staffId' = $1`, [staff.id]);
      expect(events).toHaveLength(1);
      expect(events[0].envelope.payload).toMatchObject({ role: 'admin', changed: ['fullName', 'role'] });
    });

    it('a PATCH that changes nothing publishes no event', async () => {
      const staff = await createStaff(t, owner, 'support');
      await patch(owner, staff.id, { role: 'support' });
      const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM outbox WHERE event_name = 'staff.updated' AND envelope->'payload'->>'staffId' = $1`, [staff.id]);
      expect(count).toBe(0);
    });

    it('409 staff_email_taken on a taken email, whatever its case; nothing is written but the failure row', async () => {
      const staff = await createStaff(t, owner, 'support');
      const id = requestId('dup');
      const res = await t.as(owner).POST('/api/v1/admin/staff', { body: { ...newStaff(), email: staff.email.toUpperCase() }, headers: { 'X-Request-Id': id } });
      await expectProblem(res, 409, 'staff_email_taken');
      const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM staff_members WHERE lower(email) = $1`, [staff.email]);
      expect(count).toBe(1);
      const rows = await auditRowsFor(t, id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ action: 'staff.create', outcome: 'failure', statusCode: 409, errorCode: 'staff_email_taken' });
      expect(rows[0].changes).toMatchObject({ request: { password: '[REDACTED]' } });
    });

    it('400 on a password shorter than 12 characters, naming password', async () => {
      const problem = await expectProblem(await t.as(owner).POST('/api/v1/admin/staff', { body: { ...newStaff(), password: 'short-11chr' } }), 400, 'validation_failed');
      expect(problem.errors?.map((e) => e.field)).toEqual(['password']);
    });

    it('404 staff_member_not_found on an unknown id, for GET and PATCH', async () => {
      const id = randomUUID();
      await expectProblem(await t.as(owner).GET('/api/v1/admin/staff/{staffId}', { params: { path: { staffId: id } } }), 404, 'staff_member_not_found');
      await expectProblem(await patch(owner, id, { fullName: 'Nobody' }), 404, 'staff_member_not_found');
    });
  });

  describe('role checks', () => {
    let support: CreatedStaff;
    let admin: CreatedStaff;
    let supportToken: string;
    let adminToken: string;
    beforeAll(async () => {
      support = await createStaff(t, owner, 'support');
      admin = await createStaff(t, owner, 'admin');
      supportToken = (await loginStaff(t, support.email, support.password)).accessToken;
      adminToken = (await loginStaff(t, admin.email, admin.password)).accessToken;
    });

    it.each([
      ['support', () => supportToken, () => support],
      ['admin', () => adminToken, () => admin],
    ])('%s → 403 on POST /admin/staff, audited as denied; nothing is created', async (role, token, who) => {
      const body = newStaff('owner');
      const id = requestId(`forbid-${role}`);
      const res = await t.as(token()).POST('/api/v1/admin/staff', { body, headers: { 'X-Request-Id': id } });
      await expectProblem(res, 403, 'forbidden');
      const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM staff_members WHERE email = $1`, [body.email.toLowerCase()]);
      expect(count).toBe(0);
      const rows = await auditRowsFor(t, id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ action: 'staff.create', outcome: 'denied', statusCode: 403, errorCode: 'forbidden', actorId: who().id, actorEmail: who().email, actorType: 'platform' });
    });

    it.each([
      ['support', () => supportToken],
      ['admin', () => adminToken],
    ])('%s → 403 on list, get and patch', async (_role, token) => {
      await expectProblem(await t.as(token()).GET('/api/v1/admin/staff'), 403, 'forbidden');
      await expectProblem(await t.as(token()).GET('/api/v1/admin/staff/{staffId}', { params: { path: { staffId: ownerId } } }), 403, 'forbidden');
      await expectProblem(await patch(token(), support.id, { role: 'owner' }), 403, 'forbidden');
      const [row] = await t.db.query(`SELECT role FROM staff_members WHERE id = $1`, [support.id]);
      expect(row.role).toBe('support');
    });

    it('support and admin may read the audit log (any staff role), and their own /auth/me', async () => {
      expect((await t.as(supportToken).GET('/api/v1/admin/audit-logs', { params: { query: { limit: 1 } } })).response.status).toBe(200);
      expect((await t.as(adminToken).GET('/api/v1/auth/me')).data?.role).toBe('admin');
    });
  });

  describe('the last active owner', () => {
    it('with ≥ 2 active owners, an owner can be demoted and deactivated', async () => {
      const a = await createStaff(t, owner, 'owner');
      const demoted = await patch(owner, a.id, { role: 'admin' });
      expect(demoted.data).toMatchObject({ role: 'admin', isActive: true });
      await patch(owner, a.id, { role: 'owner' });
      const deactivated = await patch(owner, a.id, { isActive: false });
      expect(deactivated.data).toMatchObject({ role: 'owner', isActive: false });
    });

    it('two owners demoting each other at the same time both succeed while a third owner remains (no deadlock)', async () => {
      for (let round = 0; round < 3; round++) {
        const a = await createStaff(t, owner, 'owner');
        const b = await createStaff(t, owner, 'owner');
        const ta = (await loginStaff(t, a.email, a.password)).accessToken;
        const tb = (await loginStaff(t, b.email, b.password)).accessToken;
        const [ab, ba] = await Promise.all([patch(ta, b.id, { role: 'admin' }), patch(tb, a.id, { role: 'admin' })]);
        expect([ab.response.status, ba.response.status, ab.error ?? ba.error ?? null]).toEqual([200, 200, null]);
        const roles = await t.db.query(`SELECT role FROM staff_members WHERE id = ANY($1::uuid[])`, [[a.id, b.id]]);
        expect(roles).toEqual([{ role: 'admin' }, { role: 'admin' }]);
      }
    });

    it('the sole active owner cannot demote or deactivate itself (409 last_owner), and nothing changes', async () => {
      // Make the bootstrap owner the only active owner by demoting any other active owner left by
      // other files (they should leave none), and restore them afterwards.
      const others: { id: string }[] = await t.db.query(`SELECT id FROM staff_members WHERE role = 'owner' AND is_active AND id <> $1`, [ownerId]);
      for (const o of others) expect((await patch(owner, o.id, { role: 'admin' })).response.status).toBe(200);
      try {
        const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM staff_members WHERE role = 'owner' AND is_active`);
        expect(count).toBe(1);
        const [{ n: eventsBefore }] = await t.db.query(`SELECT count(*)::int AS n FROM outbox WHERE event_name = 'staff.updated' AND envelope->'payload'->>'staffId' = $1`, [ownerId]);

        for (const body of [{ role: 'admin' as const }, { role: 'support' as const }, { isActive: false }, { role: 'admin' as const, isActive: false }]) {
          const id = requestId('last-owner');
          const res = await patch(owner, ownerId, body, { 'X-Request-Id': id });
          await expectProblem(res, 409, 'last_owner');
          const [row] = await auditRowsFor(t, id);
          expect(row).toMatchObject({ action: 'staff.update', outcome: 'failure', statusCode: 409, errorCode: 'last_owner', resourceId: ownerId });
        }
        const [me] = await t.db.query(`SELECT role, is_active FROM staff_members WHERE id = $1`, [ownerId]);
        expect(me).toEqual({ role: 'owner', is_active: true });
        const [{ n: eventsAfter }] = await t.db.query(`SELECT count(*)::int AS n FROM outbox WHERE event_name = 'staff.updated' AND envelope->'payload'->>'staffId' = $1`, [ownerId]);
        expect(eventsAfter).toBe(eventsBefore);
        // A change that keeps the owner an owner is fine.
        expect((await patch(owner, ownerId, { fullName: 'Platform Owner' })).response.status).toBe(200);
      } finally {
        for (const o of others) await patch(owner, o.id, { role: 'owner' });
      }
    });
  });
});
