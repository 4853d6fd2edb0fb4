import { auditRowsFor, AuditRow, createTestApp, expectProblem, loginStaff, Problem, rawFetch, requestId, TestApp } from '../../support/app';
import { provisionSignedInTenant, TenantFixture } from '../../support/fixtures';

/**
 * Request shapes from an outside attack (docs/adr/0011-request-shape-limits.md): bodies nested
 * thousands of levels or with huge arrays, NUL characters and secrets buried deep, and dates
 * outside PostgreSQL's range. Each one used to end in a 500 (and often no audit row); each is now
 * a 400 problem+json naming the field, audited like any failure, with nothing secret stored.
 */

const MAX_DEPTH = 32;
const MAX_ARRAY = 1000;

/** `{ a: { a: … leaf } }` with `depth` objects, built without recursion. */
function nested(depth: number, leaf: unknown = 1): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i += 1) v = { a: v };
  return v;
}
const path = (depth: number, prefix: string) => [prefix, ...Array<string>(depth).fill('a')].join('.');

describe('hostile request shapes', () => {
  let t: TestApp;
  let staff: string;
  let staffId: string;
  let tenant: TenantFixture;

  beforeAll(async () => {
    t = await createTestApp();
    const login = await loginStaff(t);
    staff = login.accessToken;
    staffId = ((await (await rawFetch(t, '/api/v1/auth/me', { token: staff })).json()) as { id: string }).id;
    tenant = await provisionSignedInTenant(t, { members: 50 });
  });
  afterAll(() => t.close());

  /** Sends a raw JSON text and returns the problem body and the audit rows of that request. */
  async function send(method: string, url: string, body: string, token?: string): Promise<{ res: Response; problem: Problem; rows: AuditRow[] }> {
    const id = requestId('hostile');
    const res = await rawFetch(t, url, { method, token, headers: { 'Content-Type': 'application/json', 'X-Request-Id': id }, body });
    const problem = (await res.clone().json()) as Problem;
    return { res, problem, rows: await auditRowsFor(t, id) };
  }

  describe('a body nested ~3,500 levels (30 KB) → 400 request_too_deep, audited', () => {
    const deep = (field: string, others: Record<string, unknown> = {}) => JSON.stringify({ ...others, [field]: nested(3_500) });

    it.each([
      ['POST', '/api/v1/admin/auth/login', 'email', { password: 'x' }, 'auth.loginStaff'],
      ['POST', '/api/v1/auth/login', 'tenantSlug', { email: 'a@b.c', password: 'x' }, 'auth.loginTenantUser'],
      ['POST', '/api/v1/auth/refresh', 'refreshToken', {}, 'auth.refresh'],
    ] as const)('%s %s (public)', async (method, url, field, others, action) => {
      const body = deep(field, others);
      expect(body.length).toBeGreaterThan(20_000);
      const { res, rows } = await send(method, url, body);
      const problem = await expectProblem(res, 400, 'request_too_deep');
      expect(problem.errors).toEqual([{ field: path(MAX_DEPTH - 1, field), message: `${path(MAX_DEPTH - 1, field)} is nested deeper than ${MAX_DEPTH} levels` }]);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ action, method, path: url, statusCode: 400, outcome: 'failure', errorCode: 'request_too_deep' });
      // The stored copy stops at the redaction bound (or the whole value is a redacted secret): no 30 KB of brackets.
      expect(JSON.stringify(rows[0].changes)).toMatch(/\[truncated\]|\[REDACTED\]/);
      expect(JSON.stringify(rows[0].changes).length).toBeLessThan(2_000);
    });

    it('POST /api/v1/tenant/users (tenant admin): the row names the actor and the tenant', async () => {
      const { res, rows } = await send('POST', '/api/v1/tenant/users', deep('fullName', { email: 'x@y.z', role: 'member' }), tenant.admin.accessToken);
      const problem = await expectProblem(res, 400, 'request_too_deep');
      expect(problem.errors?.[0].field).toBe(path(MAX_DEPTH - 1, 'fullName'));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        action: 'tenantUsers.create',
        actorType: 'tenant',
        actorId: tenant.admin.id,
        tenantId: tenant.id,
        statusCode: 400,
        outcome: 'failure',
        errorCode: 'request_too_deep',
      });
      const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM tenant_users WHERE tenant_id = $1 AND email = 'x@y.z'`, [tenant.id]);
      expect(n).toBe(0);
    });

    it('a body that is 5,000 nested arrays (and nothing else) → 400 naming the path', async () => {
      const { res, rows } = await send('POST', '/api/v1/admin/staff', '['.repeat(5_000) + ']'.repeat(5_000), staff);
      const problem = await expectProblem(res, 400, 'request_too_deep');
      expect(problem.errors?.[0].field).toBe(Array<string>(MAX_DEPTH).fill('0').join('.'));
      expect(rows[0]).toMatchObject({ action: 'staff.create', actorId: staffId, errorCode: 'request_too_deep' });
    });

    it('the limit is 32 levels: 32 pass the shape check (and meet ordinary validation), 33 do not', async () => {
      const at32 = await send('POST', '/api/v1/admin/staff', JSON.stringify(nested(MAX_DEPTH)), staff);
      await expectProblem(at32.res, 400, 'validation_failed');
      const at33 = await send('POST', '/api/v1/admin/staff', JSON.stringify(nested(MAX_DEPTH + 1)), staff);
      const problem = await expectProblem(at33.res, 400, 'request_too_deep');
      expect(problem.errors?.[0].field).toBe(path(MAX_DEPTH - 1, 'a'));
    });

    it('with an Idempotency-Key, the fingerprint of the body does not crash either, and no key is kept', async () => {
      const key = `hostile-${Date.now()}`;
      const id = requestId('hostile-idem');
      const res = await rawFetch(t, '/api/v1/admin/tenants', {
        method: 'POST',
        token: staff,
        headers: { 'Content-Type': 'application/json', 'X-Request-Id': id, 'Idempotency-Key': key },
        // Written by hand: JSON.stringify itself recurses and cannot build a body this deep.
        body: `{"name":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_001)}`,
      });
      await expectProblem(res, 400, 'request_too_deep');
      expect((await auditRowsFor(t, id))[0]).toMatchObject({ action: 'tenants.create', errorCode: 'request_too_deep' });
      const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM idempotency_keys WHERE path = '/api/v1/admin/tenants' AND created_at > now() - interval '1 minute' AND status_code = 0`);
      expect(n).toBe(0);
    });
  });

  describe('an array over 1,000 items → 400 array_too_long naming the field, audited', () => {
    it('inside a field', async () => {
      const { res, rows } = await send('POST', '/api/v1/admin/auth/login', JSON.stringify({ email: Array(MAX_ARRAY + 1).fill('x'), password: 'x' }));
      const problem = await expectProblem(res, 400, 'array_too_long');
      expect(problem.errors).toEqual([{ field: 'email', message: `email has ${MAX_ARRAY + 1} items; at most ${MAX_ARRAY} are allowed` }]);
      expect(rows[0]).toMatchObject({ action: 'auth.loginStaff', statusCode: 400, outcome: 'failure', errorCode: 'array_too_long' });
      expect(JSON.stringify(rows[0].changes)).toContain('[truncated]');
    });

    it('as the whole body (100,000 items)', async () => {
      const { res, rows } = await send('PATCH', `/api/v1/tenant/settings`, JSON.stringify(Array(100_000).fill(0)), tenant.admin.accessToken);
      const problem = await expectProblem(res, 400, 'array_too_long');
      expect(problem.errors?.[0].field).toBe('body');
      expect(rows[0]).toMatchObject({ action: 'tenantProfile.updateSettings', tenantId: tenant.id, errorCode: 'array_too_long' });
    });

    it('1,000 items pass the shape check (and meet ordinary validation)', async () => {
      const { res } = await send('POST', '/api/v1/admin/auth/login', JSON.stringify({ email: Array(MAX_ARRAY).fill('x'), password: 'x' }));
      await expectProblem(res, 400, 'validation_failed');
    });
  });

  describe('what the audit trail stores of a hostile body', () => {
    it('a password nested 10 levels deep in a settings change is redacted (it used to be stored raw past depth 8)', async () => {
      const secret = `hunter2-${Date.now()}`;
      const { res, rows } = await send('PATCH', '/api/v1/tenant/settings', JSON.stringify({ name: 'Acme', preferences: nested(10, { password: secret, theme: 'dark' }) }), tenant.admin.accessToken);
      await expectProblem(res, 400, 'validation_failed');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ action: 'tenantProfile.updateSettings', errorCode: 'validation_failed' });
      const stored = JSON.stringify(rows[0].changes);
      expect(stored).not.toContain(secret);
      expect(stored).toContain('[REDACTED]');
      expect(stored).toContain('dark');
      const [{ hits }] = await t.db.query(`SELECT count(*)::int AS hits FROM audit_logs WHERE changes::text LIKE $1`, [`%${secret}%`]);
      expect(hits).toBe(0);
    });

    it('a password below the depth limit is never stored either', async () => {
      const secret = `hunter3-${Date.now()}`;
      const { res, rows } = await send('PATCH', '/api/v1/tenant/settings', JSON.stringify({ preferences: nested(200, { password: secret }) }), tenant.admin.accessToken);
      await expectProblem(res, 400, 'request_too_deep');
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows[0].changes)).not.toContain(secret);
    });

    it('a NUL character 15 levels deep → 400 naming its path, and the failure is still audited', async () => {
      const { res, rows } = await send('POST', '/api/v1/admin/staff', JSON.stringify({ profile: nested(15, 'a\u0000b') }), staff);
      const problem = await expectProblem(res, 400, 'validation_failed');
      expect(problem.errors).toEqual([{ field: path(15, 'profile'), message: `${path(15, 'profile')} must not contain NUL (U+0000) characters` }]);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ action: 'staff.create', errorCode: 'validation_failed', statusCode: 400 });
      expect(JSON.stringify(rows[0].changes)).toContain('a\uFFFDb');
    });

    it('a NUL character in a key and an unpaired surrogate → 400, still audited', async () => {
      const nulKey = await send('POST', '/api/v1/admin/staff', JSON.stringify({ ['nick\u0000']: 1 }), staff);
      expect((await expectProblem(nulKey.res, 400, 'validation_failed')).errors?.[0].field).toBe('nick\u0000');
      expect(nulKey.rows).toHaveLength(1);
      const lone = await send('POST', '/api/v1/admin/staff', '{"nickname":"x\\ud800y"}', staff);
      await expectProblem(lone.res, 400, 'validation_failed');
      expect(lone.rows).toHaveLength(1);
      expect(lone.rows[0].changes).toEqual({ request: { nickname: 'x\uFFFDy' } });
    });
  });

  describe('query strings stay flat (Express "simple" parser)', () => {
    it('bracket syntax is a literal key, not a nested object → 400 unknown field', async () => {
      const res = await rawFetch(t, `/api/v1/admin/audit-logs?${'from' + '[a]'.repeat(3_000)}=1`, { token: staff });
      const problem = await expectProblem(res, 400, 'validation_failed');
      expect(problem.errors?.[0].message).toMatch(/unknown field/);
    });

    it('a repeated parameter is an array and is rejected naming the field', async () => {
      const res = await rawFetch(t, `/api/v1/admin/audit-logs?${Array(1_500).fill('from=1').join('&')}`, { token: staff });
      const problem = await expectProblem(res, 400, 'validation_failed');
      expect(problem.errors?.map((e) => e.field)).toEqual(['from']);
    });
  });
});

describe('dates outside the accepted range → 400 naming the field', () => {
  let t: TestApp;
  let staff: string;
  let tenant: TenantFixture;
  const RANGE = /between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z/;

  beforeAll(async () => {
    t = await createTestApp();
    staff = (await loginStaff(t)).accessToken;
    tenant = await provisionSignedInTenant(t);
  });
  afterAll(() => t.close());

  describe.each([
    ['admin', '/api/v1/admin/audit-logs', () => staff],
    ['tenant', '/api/v1/tenant/audit-logs', () => tenant.admin.accessToken],
  ])('%s audit log list', (_label, url, token) => {
    it.each([
      ['from', '-100000-01-01T00:00:00.000Z'],
      ['to', '+275760-09-13T00:00:00.000Z'],
      ['from', '1969-12-31T23:59:59Z'],
      ['to', '10000-01-01T00:00:00Z'],
      ['from', '2026-01-01T00:00:00'],
      ['to', '2026-02-30T00:00:00Z'],
    ])('%s=%s', async (field, value) => {
      const res = await rawFetch(t, `${url}?${field}=${encodeURIComponent(value)}`, { token: token() });
      const problem = await expectProblem(res, 400, 'validation_failed');
      expect(problem.errors).toEqual([{ field, message: expect.stringMatching(RANGE) }]);
    });

    it('the edges of the range are accepted', async () => {
      const res = await rawFetch(t, `${url}?from=1970-01-01T00:00:00Z&to=${encodeURIComponent('9999-12-31T23:59:59+00:00')}`, { token: token() });
      expect(res.status).toBe(200);
    });
  });

  describe('PUT /api/v1/admin/tenants/{tenantId}/subscription', () => {
    const put = (body: Record<string, unknown>) => {
      const id = requestId('subscription-date');
      return rawFetch(t, `/api/v1/admin/tenants/${tenant.id}/subscription`, { method: 'PUT', token: staff, headers: { 'X-Request-Id': id }, json: body }).then((res) => ({ res, id }));
    };
    const stored = async () =>
      (await t.db.query(`SELECT trial_ends_at AS "trialEndsAt", current_period_end AS "nextBillingDate" FROM subscriptions WHERE tenant_id = $1 AND kind = 'plan'`, [tenant.id]))[0] as {
        trialEndsAt: Date | null;
        nextBillingDate: Date;
      };

    it.each([
      ['trialEndsAt', '-100000-01-01T00:00:00.000Z'],
      ['nextBillingDate', '+275760-09-13T00:00:00.000Z'],
      ['trialEndsAt', '2026-13-01T00:00:00Z'],
      ['nextBillingDate', 1767225600000],
    ])('%s = %s → 400, audited, nothing changed', async (field, value) => {
      const before = await stored();
      const { res, id } = await put({ [field]: value });
      const problem = await expectProblem(res, 400, 'validation_failed');
      expect(problem.errors).toEqual([{ field, message: expect.stringMatching(RANGE) }]);
      expect(await stored()).toEqual(before);
      const rows = await auditRowsFor(t, id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ action: 'subscriptions.update', statusCode: 400, outcome: 'failure', errorCode: 'validation_failed', tenantId: tenant.id });
    });

    it('in-range dates with any offset are stored as the instant, on the subscription and the quota; null clears the trial end', async () => {
      const ok = await put({ trialEndsAt: '9999-12-31T23:59:59Z', nextBillingDate: '2026-03-01T01:00:00+01:00' });
      expect(ok.res.status).toBe(200);
      expect(((await ok.res.json()) as { subscription: { subscription: unknown } }).subscription.subscription).toMatchObject({ trialEndsAt: '9999-12-31T23:59:59.000Z', currentPeriodEnd: '2026-03-01T00:00:00.000Z' });
      expect(await stored()).toEqual({ trialEndsAt: new Date('9999-12-31T23:59:59Z'), nextBillingDate: new Date('2026-03-01T00:00:00Z') });
      const [quota] = await t.db.query(`SELECT trial_ends_at, current_period_ends_at FROM tenant_quotas WHERE tenant_id = $1`, [tenant.id]);
      expect(quota).toEqual({ trial_ends_at: new Date('9999-12-31T23:59:59Z'), current_period_ends_at: new Date('2026-03-01T00:00:00Z') });
      const cleared = await put({ trialEndsAt: null });
      expect(cleared.res.status).toBe(200);
      expect((await stored()).trialEndsAt).toBeNull();
    });

    it('no editable field → 400', async () => {
      const { res } = await put({});
      expect(res.status).toBe(400);
    });
  });

  it('usage history: a day PostgreSQL has no such date for (year 0) → 400 naming the field (was a 500)', async () => {
    const res = await rawFetch(t, `/api/v1/admin/tenants/${tenant.id}/usage/history?from=0000-01-01&to=0000-12-31`, { token: staff });
    const problem = await expectProblem(res, 400, 'validation_failed');
    expect(problem.errors?.map((e) => e.field)).toEqual(['from', 'to']);
    expect(problem.errors?.[0].message).toMatch(/between 1970-01-01 and 9999-12-31/);
  });
});
