import { randomInt, randomUUID } from 'node:crypto';
import {
  auditRowsFor,
  createStaff,
  createTestApp,
  CreatedStaff,
  expectProblem,
  loginStaff,
  OWNER,
  rawFetch,
  requestId,
  TestApp,
  unique,
} from '../../support/app';
import { AuditService } from '../../../src/modules/audit';
import type { components } from '../../support/openapi';

type AuditLogDto = components['schemas']['AuditLogDto'];
type AuditQuery = { limit?: number; cursor?: string; from?: string; to?: string; tenantId?: string; actorId?: string; action?: string; module?: string; resourceType?: string; resourceId?: string; outcome?: 'success' | 'failure' | 'denied' };

describe('audit trail', () => {
  let t: TestApp;
  let owner: string;
  let ownerId: string;
  let support: CreatedStaff;
  let supportToken: string;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
    ownerId = (await t.as(owner).GET('/api/v1/auth/me')).data!.id;
    support = await createStaff(t, owner, 'support');
    supportToken = (await loginStaff(t, support.email, support.password)).accessToken;
  });
  afterAll(() => t.close());

  const list = async (query: AuditQuery, token = owner) => {
    const res = await t.as(token).GET('/api/v1/admin/audit-logs', { params: { query } });
    if (!res.data) throw new Error(`audit-logs ${res.response.status}: ${JSON.stringify(res.error)}`);
    return res.data;
  };
  const newStaff = () => ({ email: `${unique('audited')}@example.test`, fullName: 'Ada Audited', role: 'support' as const, password: 'super-secret-password-1' });

  /** Inserts audit rows directly (INSERT is allowed; UPDATE/DELETE are not), for filter and ordering cases. */
  const insertRows = async (rows: Partial<Record<'occurredAt' | 'action' | 'actorId' | 'tenantId' | 'module' | 'resourceType' | 'resourceId' | 'outcome', string>>[]) => {
    const ids: string[] = [];
    for (const r of rows) {
      const id = randomUUID();
      ids.push(id);
      await t.db.query(
        `INSERT INTO audit_logs (id, occurred_at, actor_type, actor_id, tenant_id, action, module, resource_type, resource_id, method, path, status_code, outcome)
         VALUES ($1, $2, 'system', $3, $4, $5, $6, $7, $8, 'JOB', '', 200, $9)`,
        [id, r.occurredAt ?? new Date().toISOString(), r.actorId ?? null, r.tenantId ?? null, r.action ?? 'test.row', r.module ?? null, r.resourceType ?? null, r.resourceId ?? null, r.outcome ?? 'success'],
      );
    }
    return ids;
  };

  describe('rows written by requests', () => {
    it('a success writes one row in the same transaction: actor, request id (echoed in the header), ip, user agent, resource', async () => {
      const id = requestId('audit-ok');
      const { data, response } = await t.as(owner).POST('/api/v1/admin/staff', { body: newStaff(), headers: { 'X-Request-Id': id, 'User-Agent': 'audit-e2e/2.0' } });
      expect(response.status).toBe(201);
      expect(response.headers.get('x-request-id')).toBe(id);
      const rows = await auditRowsFor(t, id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        requestId: id,
        actorType: 'platform',
        actorId: ownerId,
        actorEmail: OWNER.email,
        action: 'staff.create',
        module: 'iam',
        resourceType: 'staff',
        resourceId: data!.id,
        method: 'POST',
        path: '/api/v1/admin/staff',
        statusCode: 201,
        outcome: 'success',
        errorCode: null,
        ip: '127.0.0.1',
        userAgent: 'audit-e2e/2.0',
      });
      // The API shows the same row.
      const page = await list({ resourceId: data!.id, action: 'staff.create' });
      expect(page.data).toHaveLength(1);
      expect(page.data[0]).toMatchObject({ requestId: id, actorId: ownerId, actorEmail: OWNER.email, outcome: 'success' });
    });

    it('reads are not audited', async () => {
      const id = requestId('read');
      await t.as(owner).GET('/api/v1/admin/staff', { headers: { 'X-Request-Id': id } });
      await t.as(owner).GET('/api/v1/auth/me', { headers: { 'X-Request-Id': id } });
      expect(await auditRowsFor(t, id)).toHaveLength(0);
    });

    it('a 403 writes a denied row with the actor and error code; the request id is in the header, the problem and the row', async () => {
      const id = requestId('audit-403');
      const res = await t.as(supportToken).POST('/api/v1/admin/staff', { body: newStaff(), headers: { 'X-Request-Id': id } });
      const problem = await expectProblem(res, 403, 'forbidden');
      expect(res.response.headers.get('x-request-id')).toBe(id);
      expect(problem.requestId).toBe(id);
      const rows = await auditRowsFor(t, id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ requestId: id, outcome: 'denied', errorCode: 'forbidden', statusCode: 403, actorId: support.id, actorEmail: support.email, action: 'staff.create' });
    });

    it('a 401 on a bad token writes a denied row without an actor', async () => {
      const id = requestId('audit-401');
      const res = await rawFetch(t, '/api/v1/admin/staff/' + support.id, { method: 'PATCH', token: 'garbage.token.value', headers: { 'X-Request-Id': id }, json: { fullName: 'x' } });
      await expectProblem(res, 401, 'invalid_token');
      const rows = await auditRowsFor(t, id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ outcome: 'denied', statusCode: 401, errorCode: 'invalid_token', actorId: null, actorType: null, action: 'staff.update', resourceId: support.id, path: `/api/v1/admin/staff/${support.id}` });
    });

    it('a failed sign-in writes a denied auth.login.platform row naming the attempted email, findable through the API', async () => {
      const email = `${unique('intruder')}@example.test`;
      const id = requestId('audit-login');
      await expectProblem(await t.api.POST('/api/v1/admin/auth/login', { body: { email, password: 'guess-guess-guess' }, headers: { 'X-Request-Id': id } }), 401, 'invalid_credentials');
      const [row] = await auditRowsFor(t, id);
      expect(row).toMatchObject({ action: 'auth.login.platform', outcome: 'denied', errorCode: 'invalid_credentials', actorEmail: email, actorId: null });
      const page = await list({ action: 'auth.login.platform', outcome: 'denied', limit: 100 });
      expect(page.data.map((r) => r.requestId)).toContain(id);
    });

    it('a validation failure writes a failure row whose request body has every secret redacted, at any depth', async () => {
      const id = requestId('audit-redact');
      const body = { ...newStaff(), apiKey: 'ak_live_123', profile: { secret: 'nested-secret', token: 'tok_abc', note: 'kept' } };
      const res = await t.as(owner).POST('/api/v1/admin/staff', { body: body as ReturnType<typeof newStaff>, headers: { 'X-Request-Id': id } });
      await expectProblem(res, 400, 'validation_failed');
      const [row] = await auditRowsFor(t, id);
      expect(row).toMatchObject({ outcome: 'failure', statusCode: 400, errorCode: 'validation_failed' });
      expect(row.changes).toEqual({
        request: {
          email: body.email,
          fullName: body.fullName,
          role: 'support',
          password: '[REDACTED]',
          apiKey: '[REDACTED]',
          profile: { secret: '[REDACTED]', token: '[REDACTED]', note: 'kept' },
        },
      });
      const stored = JSON.stringify(await t.db.query(`SELECT * FROM audit_logs WHERE request_id = $1`, [id]));
      for (const secret of [body.password, 'ak_live_123', 'nested-secret', 'tok_abc']) expect(stored).not.toContain(secret);
    });

    it('a success row redacts the password and keeps before/after without password material', async () => {
      const id = requestId('audit-redact-ok');
      const body = newStaff();
      await t.as(owner).POST('/api/v1/admin/staff', { body, headers: { 'X-Request-Id': id } });
      const [row] = await auditRowsFor(t, id);
      expect(row.changes).toMatchObject({ request: { email: body.email, password: '[REDACTED]' }, after: { email: body.email, role: 'support' } });
      const stored = JSON.stringify(row);
      expect(stored).not.toContain(body.password);
      expect(stored).not.toMatch(/argon2|passwordHash/);
    });

    it('no change exists without its row: when the success row cannot be written, the change and its event roll back', async () => {
      const audit = t.app.get(AuditService);
      const spy = jest.spyOn(audit, 'recordSuccess').mockRejectedValueOnce(new Error('audit store unavailable'));
      try {
        const body = newStaff();
        const id = requestId('audit-atomic');
        const res = await t.as(owner).POST('/api/v1/admin/staff', { body, headers: { 'X-Request-Id': id } });
        await expectProblem(res, 500, 'internal_error');
        expect(spy).toHaveBeenCalledTimes(1);
        const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM staff_members WHERE email = $1`, [body.email]);
        expect(count).toBe(0);
        const [{ events }] = await t.db.query(`SELECT count(*)::int AS events FROM outbox WHERE event_name = 'staff.created' AND envelope->'payload'->>'email' = $1`, [body.email]);
        expect(events).toBe(0);
        // The failure itself is still on record, after the rollback.
        const rows = await auditRowsFor(t, id);
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ action: 'staff.create', outcome: 'failure', statusCode: 500, errorCode: 'internal_error' });
      } finally {
        spy.mockRestore();
      }
    });

    it('a mutation whose commit fails leaves no change and exactly one failure row (the rolled-back success row does not count)', async () => {
      // A deferred constraint trigger fails at COMMIT, after the handler and the success row ran.
      // It only fires for this test's email prefix and is dropped afterwards.
      const tag = randomUUID().replace(/-/g, '');
      await t.db.query(`CREATE FUNCTION test_fail_commit_${tag}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'deferred check failed'; END $$`);
      await t.db.query(
        `CREATE CONSTRAINT TRIGGER test_fail_commit_${tag} AFTER INSERT ON staff_members DEFERRABLE INITIALLY DEFERRED
         FOR EACH ROW WHEN (NEW.email LIKE 'commit-fail-${tag}%') EXECUTE FUNCTION test_fail_commit_${tag}()`,
      );
      try {
        const email = `commit-fail-${tag}@example.test`;
        const id = requestId('audit-commit');
        const res = await t.as(owner).POST('/api/v1/admin/staff', { body: { ...newStaff(), email }, headers: { 'X-Request-Id': id } });
        await expectProblem(res, 500, 'internal_error');
        const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM staff_members WHERE email = $1`, [email]);
        expect(count).toBe(0);
        const rows = await auditRowsFor(t, id);
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ action: 'staff.create', outcome: 'failure', statusCode: 500, errorCode: 'internal_error' });
      } finally {
        await t.db.query(`DROP TRIGGER IF EXISTS test_fail_commit_${tag} ON staff_members`);
        await t.db.query(`DROP FUNCTION IF EXISTS test_fail_commit_${tag}()`);
      }
    });

    it('a failed mutation leaves no change and exactly one failure row', async () => {
      const staff = await createStaff(t, owner, 'support');
      const id = requestId('audit-rollback');
      const res = await t.as(owner).PATCH('/api/v1/admin/staff/{staffId}', { params: { path: { staffId: staff.id } }, body: { fullName: 'x'.repeat(201) }, headers: { 'X-Request-Id': id } });
      await expectProblem(res, 400, 'validation_failed');
      const [row] = await t.db.query(`SELECT full_name FROM staff_members WHERE id = $1`, [staff.id]);
      expect(row.full_name).toBe('Test support');
      const rows = await auditRowsFor(t, id);
      expect(rows.map((r) => r.outcome)).toEqual(['failure']);
    });
  });

  describe('append-only', () => {
    it('UPDATE, DELETE and TRUNCATE on audit_logs are rejected by the database', async () => {
      const [id] = await insertRows([{ action: `test.immutable.${randomUUID()}` }]);
      await expect(t.db.query(`UPDATE audit_logs SET outcome = 'failure' WHERE id = $1`, [id])).rejects.toThrow(/append-only/);
      await expect(t.db.query(`DELETE FROM audit_logs WHERE id = $1`, [id])).rejects.toThrow(/append-only/);
      await expect(t.db.query(`TRUNCATE audit_logs`)).rejects.toThrow(/append-only/);
      const [row] = await t.db.query(`SELECT outcome FROM audit_logs WHERE id = $1`, [id]);
      expect(row).toEqual({ outcome: 'success' });
    });
  });

  describe('GET /api/v1/admin/audit-logs filters', () => {
    const tag = randomUUID();
    const w1 = `w-1-${tag}`;
    const w2 = `w-2-${tag}`;
    const actorA = randomUUID();
    const actorB = randomUUID();
    const tenantX = randomUUID();
    // Rows in the past (never "newest" for other files), at an instant of their own on every run.
    const base = Date.parse('2001-01-01T00:00:00.000Z') + randomInt(0, 2 ** 39);
    const at = (s: number) => new Date(base + s * 1000).toISOString();
    let ids: string[];

    beforeAll(async () => {
      ids = await insertRows([
        { occurredAt: at(0), action: `test.${tag}.create`, actorId: actorA, module: 'tests', resourceType: 'widget', resourceId: w1, outcome: 'success', tenantId: tenantX },
        { occurredAt: at(1), action: `test.${tag}.update`, actorId: actorA, module: 'tests', resourceType: 'widget', resourceId: w2, outcome: 'failure' },
        { occurredAt: at(2), action: `test.${tag}.update`, actorId: actorB, module: 'tests', resourceType: 'gadget', resourceId: w1, outcome: 'denied', tenantId: tenantX },
        { occurredAt: at(3), action: `test.${tag}.delete`, actorId: actorB, module: 'other', resourceType: 'widget', resourceId: w1, outcome: 'success' },
      ]);
    });

    const within = { from: at(0), to: at(4) };
    const idsOf = (rows: AuditLogDto[]) => rows.map((r) => ids.indexOf(r.id));

    it('action', async () => {
      expect(idsOf((await list({ ...within, action: `test.${tag}.update` })).data)).toEqual([2, 1]);
    });
    it('actorId', async () => {
      expect(idsOf((await list({ ...within, actorId: actorA })).data)).toEqual([1, 0]);
    });
    it('outcome', async () => {
      expect(idsOf((await list({ ...within, actorId: actorB, outcome: 'denied' })).data)).toEqual([2]);
      expect(idsOf((await list({ ...within, actorId: actorA, outcome: 'success' })).data)).toEqual([0]);
    });
    it('resourceType and resourceId', async () => {
      expect(idsOf((await list({ ...within, resourceType: 'widget', resourceId: w1 })).data)).toEqual([3, 0]);
    });
    it('module and tenantId', async () => {
      expect(idsOf((await list({ ...within, module: 'tests', tenantId: tenantX })).data)).toEqual([2, 0]);
    });
    it('from is inclusive, to is exclusive', async () => {
      expect(idsOf((await list({ from: at(1), to: at(3) })).data)).toEqual([2, 1]);
      expect(idsOf((await list({ from: at(3), to: at(60) })).data)).toEqual([3]);
      expect((await list({ from: at(4), to: at(60) })).data).toEqual([]);
    });
    it('filters combine with AND', async () => {
      expect(idsOf((await list({ ...within, actorId: actorB, resourceType: 'widget', module: 'other' })).data)).toEqual([3]);
    });
    it('invalid filter values → 400 naming the parameter', async () => {
      const bad = async (query: Record<string, unknown>, field: string) => {
        const problem = await expectProblem(await t.as(owner).GET('/api/v1/admin/audit-logs', { params: { query: query as AuditQuery } }), 400, 'validation_failed');
        expect(problem.errors?.map((e) => e.field)).toContain(field);
      };
      await bad({ outcome: 'maybe' }, 'outcome');
      await bad({ actorId: 'not-a-uuid' }, 'actorId');
      await bad({ from: 'yesterday' }, 'from');
      await bad({ limit: 101 }, 'limit');
      await bad({ limit: 0 }, 'limit');
    });
    it('needs a platform staff token', async () => {
      await expectProblem(await t.api.GET('/api/v1/admin/audit-logs'), 401);
    });
  });

  describe('keyset cursor pagination', () => {
    it('walks every row once, newest first, with ties on occurredAt broken by id', async () => {
      const action = `test.keyset.${randomUUID()}`;
      const sameInstant = '2002-04-01T00:00:00.000Z';
      await insertRows([
        ...Array.from({ length: 4 }, () => ({ action, occurredAt: sameInstant })),
        { action, occurredAt: '2002-04-01T00:00:01.000Z' },
        { action, occurredAt: '2002-03-31T23:59:59.999Z' },
        { action, occurredAt: '2002-04-01T00:00:00.001Z' },
      ]);
      const expected: { id: string }[] = await t.db.query(`SELECT id FROM audit_logs WHERE action = $1 ORDER BY occurred_at DESC, id DESC`, [action]);
      expect(expected).toHaveLength(7);

      const seen: string[] = [];
      const pageSizes: number[] = [];
      let cursor: string | undefined;
      for (let guard = 0; guard < 10; guard++) {
        const page = await list({ action, limit: 2, cursor });
        expect(page.meta.limit).toBe(2);
        pageSizes.push(page.data.length);
        seen.push(...page.data.map((r) => r.id));
        if (!page.meta.nextCursor) break;
        cursor = page.meta.nextCursor;
      }
      expect(pageSizes).toEqual([2, 2, 2, 1]);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expected.map((r) => r.id));

      // Stable: the same cursor gives the same page again, even after newer rows arrive.
      const first = await list({ action, limit: 2 });
      await insertRows([{ action, occurredAt: '2002-05-01T00:00:00.000Z' }]);
      const again = await list({ action, limit: 2, cursor: first.meta.nextCursor! });
      expect(again.data.map((r) => r.id)).toEqual(expected.slice(2, 4).map((r) => r.id));
    });

    it('follows request-written rows too (a support member’s denied attempts)', async () => {
      const actor = await createStaff(t, owner, 'support');
      const token = (await loginStaff(t, actor.email, actor.password)).accessToken;
      for (let i = 0; i < 5; i++) await t.as(token).POST('/api/v1/admin/staff', { body: newStaff() });
      const seen: AuditLogDto[] = [];
      let cursor: string | undefined;
      do {
        const page = await list({ actorId: actor.id, action: 'staff.create', limit: 2, cursor });
        seen.push(...page.data);
        cursor = page.meta.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toHaveLength(5);
      expect(new Set(seen.map((r) => r.id)).size).toBe(5);
      for (const r of seen) expect(r).toMatchObject({ outcome: 'denied', errorCode: 'forbidden', actorEmail: actor.email });
      const times = seen.map((r) => Date.parse(r.occurredAt));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
    });

    it('a malformed cursor → 400 naming cursor', async () => {
      const forged = [
        ['2026-01-01T00:00:00.000Z', '------------------------------------'],
        ['2026-02-30T00:00:00.000Z', '6f1c2b8e-1d1e-4f0a-9a55-2f0a8a1c3b7d'],
        ['2026-01-01', '6f1c2b8e-1d1e-4f0a-9a55-2f0a8a1c3b7d'],
      ].map((pair) => Buffer.from(JSON.stringify(pair)).toString('base64url'));
      for (const cursor of ['not-a-cursor!!', Buffer.from('{"at":1}').toString('base64url'), Buffer.from('["yesterday","x"]').toString('base64url'), ...forged]) {
        const problem = await expectProblem(await t.as(owner).GET('/api/v1/admin/audit-logs', { params: { query: { cursor } } }), 400, 'validation_failed');
        expect(problem.errors).toEqual([{ field: 'cursor', message: expect.stringContaining('cursor') }]);
        expect(problem.detail).toContain('cursor');
      }
    });
  });
});
