import { createHash, randomInt } from 'node:crypto';
import Redis from 'ioredis';
import { REDIS } from '../../../src/common/redis';
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

/** A random documentation-range client IP (RFC 5737), sent as X-Forwarded-For from loopback (a trusted proxy). */
const clientIp = () => `203.0.113.${randomInt(1, 254)}`;

describe('staff sign-in: POST /api/v1/admin/auth/login', () => {
  let t: TestApp;
  let owner: string;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
  });
  afterAll(() => t.close());

  const login = (email: string, password: string, headers: Record<string, string> = {}) =>
    t.api.POST('/api/v1/admin/auth/login', { body: { email, password }, headers });

  it('succeeds with a bearer pair, stores only the refresh token hash, stamps lastLoginAt and audits the sign-in', async () => {
    const staff = await createStaff(t, owner, 'admin');
    const id = requestId('login-ok');
    const { data, response } = await login(staff.email.toUpperCase(), staff.password, { 'X-Request-Id': id, 'User-Agent': 'login-e2e/1.0' });
    expect(response.status).toBe(200);
    expect(data).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });
    const me = await t.as(data!.accessToken).GET('/api/v1/auth/me');
    expect(me.data).toMatchObject({ id: staff.id, email: staff.email, kind: 'platform', role: 'admin', tenantId: null });

    const tokens = await t.db.query(`SELECT token_hash FROM refresh_tokens WHERE principal_id = $1`, [staff.id]);
    expect(tokens).toEqual([{ token_hash: createHash('sha256').update(data!.refreshToken).digest('hex') }]);
    const [{ last_login_at }] = await t.db.query(`SELECT last_login_at FROM staff_members WHERE id = $1`, [staff.id]);
    expect(last_login_at).toBeInstanceOf(Date);

    const rows = await auditRowsFor(t, id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'auth.login.platform',
      outcome: 'success',
      statusCode: 200,
      actorType: 'platform',
      actorId: staff.id,
      actorEmail: staff.email,
      resourceType: 'staff',
      resourceId: staff.id,
      userAgent: 'login-e2e/1.0',
      errorCode: null,
    });
    // The request body as sent (secrets redacted); the actor email above is the normalised one.
    expect(rows[0].changes).toEqual({ request: { email: staff.email.toUpperCase(), password: '[REDACTED]' } });
    expect(JSON.stringify(rows[0])).not.toContain(staff.password);
    expect(JSON.stringify(rows[0])).not.toContain(data!.refreshToken);
  });

  it('a wrong password → 401 invalid_credentials, audited as denied with the attempted email', async () => {
    const staff = await createStaff(t, owner, 'support');
    const id = requestId('login-bad');
    const res = await login(staff.email, 'definitely-not-the-password', { 'X-Request-Id': id, 'X-Forwarded-For': clientIp() });
    const problem = await expectProblem(res, 401, 'invalid_credentials');
    expect(problem.detail).toBe('The email or password is incorrect.');
    const rows = await auditRowsFor(t, id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'auth.login.platform',
      method: 'POST',
      path: '/api/v1/admin/auth/login',
      outcome: 'denied',
      statusCode: 401,
      errorCode: 'invalid_credentials',
      actorType: 'platform',
      actorEmail: staff.email,
    });
    expect(rows[0].changes).toEqual({ request: { email: staff.email, password: '[REDACTED]' } });
  });

  it('an unknown email gets the same status, headers and body as a wrong password (except requestId)', async () => {
    const staff = await createStaff(t, owner, 'support');
    const ip = clientIp();
    const wrong = await login(staff.email, 'wrong-password-123', { 'X-Forwarded-For': ip });
    const unknown = await login(`${unique('ghost')}@example.test`, 'wrong-password-123', { 'X-Forwarded-For': ip });
    const a = await expectProblem(wrong, 401, 'invalid_credentials');
    const b = await expectProblem(unknown, 401, 'invalid_credentials');
    expect({ ...b, requestId: undefined }).toEqual({ ...a, requestId: undefined });
    expect(a.requestId).not.toBe(b.requestId);
    // Only per-response values may differ (date, request id, the general rate-limit countdown).
    const headers = (r: Response) =>
      [...r.headers.entries()].filter(([k]) => !['date', 'x-request-id', 'etag', 'content-length'].includes(k) && !k.startsWith('x-ratelimit-remaining'));
    expect(headers(unknown.response)).toEqual(headers(wrong.response));
    expect(unknown.response.headers.get('content-length')).toBe(wrong.response.headers.get('content-length'));
  });

  it('a deactivated account cannot sign in, and gets the same 401 as a wrong password', async () => {
    const staff = await createStaff(t, owner, 'support');
    const patched = await t.as(owner).PATCH('/api/v1/admin/staff/{staffId}', { params: { path: { staffId: staff.id } }, body: { isActive: false } });
    expect(patched.data?.isActive).toBe(false);
    await expectProblem(await login(staff.email, staff.password, { 'X-Forwarded-For': clientIp() }), 401, 'invalid_credentials');
  });

  it('an invalid body → 400 naming the field, before any credential check', async () => {
    const problem = await expectProblem(await login('not-an-email', ''), 400, 'validation_failed');
    expect((problem.errors ?? []).map((e) => e.field).sort()).toEqual(['email', 'password']);
  });

  describe('throttling per IP + email (10 failures in 15 minutes)', () => {
    let victim: CreatedStaff;
    let redis: Redis;
    beforeAll(async () => {
      victim = await createStaff(t, owner, 'support');
      redis = t.app.get(REDIS);
    });

    it('the 11th attempt is 429 with Retry-After even with the right password; another email from that IP still gets 401', async () => {
      const ip = clientIp();
      for (let i = 1; i <= 10; i++) {
        const res = await login(victim.email, `wrong-password-${i}`, { 'X-Forwarded-For': ip });
        await expectProblem(res, 401, 'invalid_credentials');
      }
      // The failures are counted in Redis (shared by every instance), keyed by IP and email.
      expect(await redis.get(`login-failures:platform:${ip}:${victim.email}`)).toBe('10');
      const id = requestId('locked');
      const locked = await login(victim.email, victim.password, { 'X-Forwarded-For': ip, 'X-Request-Id': id });
      const problem = await expectProblem(locked, 429, 'rate_limited');
      const retryAfter = Number(locked.response.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      expect(problem.retryAfterSeconds).toEqual(expect.any(Number));

      const rows = await auditRowsFor(t, id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ action: 'auth.login.platform', outcome: 'denied', statusCode: 429, errorCode: 'rate_limited', actorEmail: victim.email, ip });

      // Another email from the same IP is not locked out; a bad password still gets a plain 401.
      await expectProblem(await login(`${unique('other')}@example.test`, 'wrong-password-x', { 'X-Forwarded-For': ip }), 401, 'invalid_credentials');
      // The same email from another IP is not locked out either.
      const elsewhere = await login(victim.email, victim.password, { 'X-Forwarded-For': clientIp().replace(/^203\.0\.113/, '198.51.100') });
      expect(elsewhere.response.status).toBe(200);
      // The locked pair stays locked, right password or not.
      await expectProblem(await login(victim.email, victim.password, { 'X-Forwarded-For': ip }), 429, 'rate_limited');
    });

    it('a burst of concurrent guesses gets no more than 10 passwords checked', async () => {
      const target = await createStaff(t, owner, 'support');
      const ip = clientIp().replace(/^203\.0\.113/, '198.18.0');
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => login(target.email, `concurrent-guess-${i}`, { 'X-Forwarded-For': ip })),
      );
      const statuses = results.map((r) => r.response.status);
      expect(statuses.filter((s) => s === 401)).toHaveLength(10);
      expect(statuses.filter((s) => s === 429)).toHaveLength(20);
      // And the right password is refused too, now.
      await expectProblem(await login(target.email, target.password, { 'X-Forwarded-For': ip }), 429, 'rate_limited');
    });

    it('a successful sign-in clears the failure counter of that IP + email', async () => {
      const ip = clientIp().replace(/^203\.0\.113/, '192.0.2');
      const key = `login-failures:platform:${ip}:${victim.email}`;
      for (let i = 0; i < 3; i++) await login(victim.email, 'nope-nope-nope', { 'X-Forwarded-For': ip });
      expect(await redis.get(key)).toBe('3');
      expect((await login(victim.email, victim.password, { 'X-Forwarded-For': ip })).response.status).toBe(200);
      expect(await redis.get(key)).toBeNull();
    });
  });

  it('the bootstrap owner exists and can sign in (bootstrap from BOOTSTRAP_OWNER_*)', async () => {
    const { data } = await login(OWNER.email, OWNER.password);
    expect(data?.tokenType).toBe('Bearer');
    const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM staff_members WHERE email = $1 AND role = 'owner'`, [OWNER.email]);
    expect(count).toBe(1);
  });
});
