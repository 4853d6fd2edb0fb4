import Redis from 'ioredis';
import { createHash } from 'node:crypto';
import { generateSync } from 'otplib';
import { REDIS } from '../../../src/common/redis';
import { auditRowsFor, createStaff, createTestApp, CreatedStaff, expectProblem, loginStaff, requestId, TestApp } from '../../support/app';
import { ControllableClock } from '../../support/clock';

/** The `challenge` member of a 401 two_factor_required / two_factor_enrollment_required. */
interface Challenge {
  token: string;
  expiresAt: string;
  methods: string[];
}

/** The claims of an access token (no verification: the API verified it). */
const claimsOf = (jwt: string): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));

/** The TOTP code an authenticator app shows for `secret` at the clock's time (RFC 6238, 30 s, 6 digits). */
const codeAt = (secret: string, clock: ControllableClock) => generateSync({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });

/** A code of `secret` that is wrong at the clock's time and in both neighbouring steps. */
function wrongCodeAt(secret: string, clock: ControllableClock): string {
  const epoch = Math.floor(clock.now().getTime() / 1000);
  const valid = new Set([-30, 0, 30].map((d) => generateSync({ secret, epoch: epoch + d })));
  for (let n = 0; ; n += 1) {
    const candidate = String(n).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}

describe('staff two-factor authentication (TOTP, RFC 6238)', () => {
  let t: TestApp;
  let clock: ControllableClock;
  let owner: string;
  let redis: Redis;

  beforeAll(async () => {
    clock = new ControllableClock();
    t = await createTestApp({}, [], { clock });
    owner = (await loginStaff(t)).accessToken;
    redis = t.app.get<Redis>(REDIS);
  });
  afterAll(() => t.close());

  const login = (staff: CreatedStaff, headers: Record<string, string> = {}) =>
    t.api.POST('/api/v1/admin/auth/login', { body: { email: staff.email, password: staff.password }, headers });

  /** Signs in with the password and returns the challenge of the 401 (asserting its code). */
  async function challengeFor(app: TestApp, staff: CreatedStaff, code: 'two_factor_required' | 'two_factor_enrollment_required' = 'two_factor_required'): Promise<Challenge> {
    const res = await app.api.POST('/api/v1/admin/auth/login', { body: { email: staff.email, password: staff.password } });
    const problem = await expectProblem(res, 401, code);
    return problem.challenge as Challenge;
  }

  /** Enrolls `staff` (signed in with `token`) and returns the secret and the recovery codes. */
  async function enroll(token: string): Promise<{ secret: string; recoveryCodes: string[] }> {
    const started = await t.as(token).POST('/api/v1/admin/auth/2fa/enroll');
    expect(started.response.status).toBe(201);
    const secret = started.data!.secret;
    const confirmed = await t.as(token).POST('/api/v1/admin/auth/2fa/enroll/confirm', { body: { code: codeAt(secret, clock) } });
    expect(confirmed.response.status).toBe(200);
    clock.advance(30_000); // the confirmation code's step is used; the next sign-in needs the next one
    return { secret, recoveryCodes: confirmed.data!.recoveryCodes };
  }

  const factorRow = async (staffId: string) =>
    (await t.db.query(`SELECT secret_sealed, confirmed_at, last_used_at FROM staff_totp_factors WHERE staff_id = $1`, [staffId]))[0] as
      | { secret_sealed: string; confirmed_at: Date | null; last_used_at: Date | null }
      | undefined;
  const recoveryRows = (staffId: string): Promise<{ code_hash: string; used_at: Date | null }[]> =>
    t.db.query(`SELECT code_hash, used_at FROM staff_recovery_codes WHERE staff_id = $1 ORDER BY created_at, id`, [staffId]);
  const refreshRows = (staffId: string): Promise<{ amr: string[]; revoked_at: Date | null }[]> =>
    t.db.query(`SELECT amr, revoked_at FROM refresh_tokens WHERE principal_id = $1 ORDER BY created_at`, [staffId]);

  it('enrollment: a pending sealed secret and its otpauth:// URI, confirmed by a first code into ten hashed recovery codes, all audited', async () => {
    const staff = await createStaff(t, owner, 'support');
    const token = (await loginStaff(t, staff.email, staff.password)).accessToken;
    expect((await t.as(token).GET('/api/v1/admin/auth/2fa')).data).toEqual({ status: 'not_enrolled', enrolledAt: null, recoveryCodesRemaining: 0, required: false });

    const enrollId = requestId('2fa-enroll');
    const started = await t.as(token).POST('/api/v1/admin/auth/2fa/enroll', { headers: { 'X-Request-Id': enrollId } });
    expect(started.response.status).toBe(201);
    const { secret, otpauthUri } = started.data!;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toBe(`otpauth://totp/Control%20Plane:${encodeURIComponent(staff.email)}?secret=${secret}&issuer=Control%20Plane`);
    const pending = await factorRow(staff.id);
    expect(pending).toMatchObject({ confirmed_at: null });
    expect(pending!.secret_sealed).toMatch(/^v1\./);
    expect(pending!.secret_sealed).not.toContain(secret);
    expect((await t.as(token).GET('/api/v1/admin/auth/2fa')).data).toMatchObject({ status: 'pending', enrolledAt: null });
    // Still pending: sign-in is unchanged.
    expect((await login(staff)).response.status).toBe(200);

    const wrong = await t.as(token).POST('/api/v1/admin/auth/2fa/enroll/confirm', { body: { code: wrongCodeAt(secret, clock) } });
    expect((await expectProblem(wrong, 422, 'two_factor_code_incorrect')).field).toBe('code');
    expect((await factorRow(staff.id))!.confirmed_at).toBeNull();

    const confirmId = requestId('2fa-confirm');
    const confirmed = await t.as(token).POST('/api/v1/admin/auth/2fa/enroll/confirm', { body: { code: codeAt(secret, clock) }, headers: { 'X-Request-Id': confirmId } });
    expect(confirmed.response.status).toBe(200);
    const codes = confirmed.data!.recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);

    expect((await factorRow(staff.id))!.confirmed_at).toBeInstanceOf(Date);
    const stored = await recoveryRows(staff.id);
    expect(stored).toHaveLength(10);
    const plainHashes = new Set(codes.flatMap((c) => [c, createHash('sha256').update(c).digest('hex'), createHash('sha256').update(c.replace(/-/g, '')).digest('hex')]));
    for (const row of stored) {
      expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(plainHashes.has(row.code_hash)).toBe(false);
      expect(row.used_at).toBeNull();
    }

    const status = (await t.as(token).GET('/api/v1/admin/auth/2fa')).data!;
    expect(status).toEqual({ status: 'active', enrolledAt: expect.any(String), recoveryCodesRemaining: 10, required: false });
    expect(JSON.stringify(status)).not.toContain(secret);
    await expectProblem(await t.as(token).POST('/api/v1/admin/auth/2fa/enroll'), 409, 'two_factor_already_enabled');

    const [enrollRow] = await auditRowsFor(t, enrollId);
    expect(enrollRow).toMatchObject({ action: 'auth.twoFactor.enroll', outcome: 'success', actorId: staff.id, module: 'iam', resourceType: 'two_factor', resourceId: staff.id });
    const [confirmRow] = await auditRowsFor(t, confirmId);
    expect(confirmRow).toMatchObject({ action: 'auth.twoFactor.confirm', outcome: 'success', actorId: staff.id, resourceId: staff.id });
    expect(confirmRow.changes).toMatchObject({ before: { status: 'pending' }, after: { status: 'active', recoveryCodesIssued: 10 } });
    const trail = JSON.stringify([enrollRow, confirmRow]);
    expect(trail).not.toContain(secret);
    for (const c of codes) expect(trail).not.toContain(c);
  });

  describe('sign-in of an enrolled staff member', () => {
    let staff: CreatedStaff;
    let secret: string;
    let recoveryCodes: string[];

    beforeAll(async () => {
      staff = await createStaff(t, owner, 'admin');
      ({ secret, recoveryCodes } = await enroll((await loginStaff(t, staff.email, staff.password)).accessToken));
    });

    it('the password alone gives no token but a 5-minute challenge; verify with a TOTP code gives a working pair with amr pwd+otp, kept on refresh', async () => {
      const before = (await refreshRows(staff.id)).length;
      const [{ last_login_at: lastLoginBefore }] = await t.db.query(`SELECT last_login_at FROM staff_members WHERE id = $1`, [staff.id]);
      const loginId = requestId('2fa-login');
      const res = await login(staff, { 'X-Request-Id': loginId });
      const problem = await expectProblem(res, 401, 'two_factor_required');
      const challenge = problem.challenge as Challenge;
      expect(challenge).toEqual({ token: expect.stringMatching(/^mfa_[A-Za-z0-9_-]{43}$/), expiresAt: new Date(clock.now().getTime() + 5 * 60_000).toISOString(), methods: ['totp', 'recovery_code'] });
      expect(JSON.stringify(problem)).not.toMatch(/accessToken|refreshToken/);
      expect(await refreshRows(staff.id)).toHaveLength(before);
      const [{ last_login_at: lastLoginAfter }] = await t.db.query(`SELECT last_login_at FROM staff_members WHERE id = $1`, [staff.id]);
      expect(lastLoginAfter).toEqual(lastLoginBefore);
      const [loginRow] = await auditRowsFor(t, loginId);
      expect(loginRow).toMatchObject({ action: 'auth.login.platform', outcome: 'denied', errorCode: 'two_factor_required', actorId: staff.id, metadata: { secondFactor: 'challenged' } });
      expect(JSON.stringify(loginRow)).not.toContain(challenge.token);

      const verifyId = requestId('2fa-verify');
      const verified = await t.api.POST('/api/v1/admin/auth/2fa/verify', { body: { challengeToken: challenge.token, code: codeAt(secret, clock) }, headers: { 'X-Request-Id': verifyId } });
      expect(verified.response.status).toBe(200);
      const pair = verified.data!;
      expect(pair).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });
      expect(claimsOf(pair.accessToken).amr).toEqual(['pwd', 'otp', 'mfa']);
      expect((await t.as(pair.accessToken).GET('/api/v1/auth/me')).data).toMatchObject({ id: staff.id, kind: 'platform', role: 'admin' });
      const rows = await refreshRows(staff.id);
      expect(rows).toHaveLength(before + 1);
      expect(rows[rows.length - 1].amr).toEqual(['pwd', 'otp', 'mfa']);
      expect((await factorRow(staff.id))!.last_used_at).toBeInstanceOf(Date);
      const [verifyRow] = await auditRowsFor(t, verifyId);
      expect(verifyRow).toMatchObject({ action: 'auth.twoFactor.verify', outcome: 'success', actorType: 'platform', actorId: staff.id, resourceId: staff.id, metadata: { method: 'totp' } });
      expect(verifyRow.changes).toEqual({ request: { challengeToken: '[REDACTED]', code: expect.any(String) } });

      const refreshed = await t.api.POST('/api/v1/auth/refresh', { body: { refreshToken: pair.refreshToken } });
      expect(claimsOf(refreshed.data!.accessToken).amr).toEqual(['pwd', 'otp', 'mfa']);

      // Single-use challenge.
      clock.advance(30_000);
      await expectProblem(await t.api.POST('/api/v1/admin/auth/2fa/verify', { body: { challengeToken: challenge.token, code: codeAt(secret, clock) } }), 401, 'invalid_two_factor_challenge');
    });

    it('a wrong code → 401 invalid_second_factor, audited as denied and counted toward the lock-out; five burn the challenge', async () => {
      const challenge = await challengeFor(t, staff);
      const id = requestId('2fa-wrong');
      const wrong = wrongCodeAt(secret, clock);
      await expectProblem(await t.api.POST('/api/v1/admin/auth/2fa/verify', { body: { challengeToken: challenge.token, code: wrong }, headers: { 'X-Request-Id': id } }), 401, 'invalid_second_factor');
      const [row] = await auditRowsFor(t, id);
      expect(row).toMatchObject({ action: 'auth.twoFactor.verify', outcome: 'denied', statusCode: 401, errorCode: 'invalid_second_factor', actorId: staff.id });
      // Counted per account whatever the IP, and per IP + email with the password failures.
      expect(Number(await redis.get(`login-failures:platform-2fa:unknown:${staff.email}`))).toBe(1);
      expect(Number(await redis.get(`login-failures:platform:127.0.0.1:${staff.email}`))).toBeGreaterThanOrEqual(2);

      for (let i = 0; i < 4; i += 1) {
        await expectProblem(await t.api.POST('/api/v1/admin/auth/2fa/verify', { body: { challengeToken: challenge.token, code: wrong } }), 401, 'invalid_second_factor');
      }
      await expectProblem(await t.api.POST('/api/v1/admin/auth/2fa/verify', { body: { challengeToken: challenge.token, code: codeAt(secret, clock) } }), 401, 'invalid_two_factor_challenge');

      // A good second factor forgives the failures.
      const fresh = await challengeFor(t, staff);
      expect((await t.api.POST('/api/v1/admin/auth/2fa/verify', { body: { challengeToken: fresh.token, code: codeAt(secret, clock) } })).response.status).toBe(200);
      expect(await redis.get(`login-failures:platform-2fa:unknown:${staff.email}`)).toBeNull();
      expect(await redis.get(`login-failures:platform:127.0.0.1:${staff.email}`)).toBeNull();
      clock.advance(30_000);
    });

    it('a code already accepted in its window is refused on a new challenge (replay) → 401 two_factor_code_reused', async () => {
      const code = codeAt(secret, clock);
      const first = await challengeFor(t, staff);
      expect((await t.api.POST('/api/v1/admin/auth/2fa/verify', { body: { challengeToken: first.token, code } })).response.status).toBe(200);
      const second = await challengeFor(t, staff);
      const before = (await refreshRows(staff.id)).length;
      await expectProblem(await t.api.POST('/api/v1/admin/auth/2fa/verify', { body: { challengeToken: second.token, code } }), 401, 'two_factor_code_reused');
      // Still refused one step later (the window is ±1 step), with no session issued.
      clock.advance(30_000);
      await expectProblem(await t.api.POST('/api/v1/admin/auth/2fa/verify', { body: { challengeToken: second.token, code } }), 401, 'two_factor_code_reused');
      expect(await refreshRows(staff.id)).toHaveLength(before);
      // The next code works on the same challenge.
      expect((await t.api.POST('/api/v1/admin/auth/2fa/verify', { body: { challengeToken: second.token, code: codeAt(secret, clock) } })).response.status).toBe(200);
      clock.advance(30_000);
    });

    it('a recovery code signs in once (any case, no dashes needed), is marked used, and is refused the second time', async () => {
      const recovery = recoveryCodes[3];
      const challenge = await challengeFor(t, staff);
      const id = requestId('2fa-recovery');
      const ok = await t.api.POST('/api/v1/admin/auth/2fa/verify', { body: { challengeToken: challenge.token, recoveryCode: recovery.replace(/-/g, '').toLowerCase() }, headers: { 'X-Request-Id': id } });
      expect(ok.response.status).toBe(200);
      expect(claimsOf(ok.data!.accessToken).amr).toEqual(['pwd', 'otp', 'mfa']);
      const rows = await recoveryRows(staff.id);
      expect(rows.filter((r) => r.used_at !== null)).toHaveLength(1);
      const [row] = await auditRowsFor(t, id);
      expect(row).toMatchObject({ action: 'auth.twoFactor.verify', outcome: 'success', metadata: { method: 'recovery_code', recoveryCodesRemaining: 9 } });
      expect(JSON.stringify(row)).not.toContain(recovery.replace(/-/g, '').toLowerCase());
      expect((await t.as(ok.data!.accessToken).GET('/api/v1/admin/auth/2fa')).data).toMatchObject({ recoveryCodesRemaining: 9 });

      const again = await challengeFor(t, staff);
      await expectProblem(await t.api.POST('/api/v1/admin/auth/2fa/verify', { body: { challengeToken: again.token, recoveryCode: recovery } }), 401, 'invalid_second_factor');
      expect((await recoveryRows(staff.id)).filter((r) => r.used_at !== null)).toHaveLength(1);
      // Exactly one of code and recoveryCode.
      await expectProblem(await t.api.POST('/api/v1/admin/auth/2fa/verify', { body: { challengeToken: again.token, code: codeAt(secret, clock), recoveryCode: recoveryCodes[4] } }), 400, 'validation_failed');
      await expectProblem(await t.api.POST('/api/v1/admin/auth/2fa/verify', { body: { challengeToken: 'mfa_unknown', code: codeAt(secret, clock) } }), 401, 'invalid_two_factor_challenge');
    });
  });

  it('disable: refused with a wrong password or code, then off with the password — factor and recovery codes deleted, sign-in back to one step', async () => {
    const staff = await createStaff(t, owner, 'support');
    const token = (await loginStaff(t, staff.email, staff.password)).accessToken;
    const { secret } = await enroll(token);
    expect(await recoveryRows(staff.id)).toHaveLength(10);

    const badPassword = await t.as(token).DELETE('/api/v1/admin/auth/2fa', { body: { password: 'not-the-password-at-all' } });
    expect((await expectProblem(badPassword, 422, 'two_factor_code_incorrect')).field).toBe('password');
    await expectProblem(await t.as(token).DELETE('/api/v1/admin/auth/2fa', { body: { code: wrongCodeAt(secret, clock) } }), 422, 'two_factor_code_incorrect');
    await expectProblem(await t.as(token).DELETE('/api/v1/admin/auth/2fa', { body: {} }), 400, 'validation_failed');
    expect(await factorRow(staff.id)).toBeDefined();

    const id = requestId('2fa-disable');
    const off = await t.as(token).DELETE('/api/v1/admin/auth/2fa', { body: { code: codeAt(secret, clock) }, headers: { 'X-Request-Id': id } });
    expect(off.response.status).toBe(204);
    expect(await factorRow(staff.id)).toBeUndefined();
    expect(await recoveryRows(staff.id)).toEqual([]);
    const [row] = await auditRowsFor(t, id);
    expect(row).toMatchObject({ action: 'auth.twoFactor.disable', outcome: 'success', actorId: staff.id, resourceId: staff.id, metadata: { proof: 'totp' } });
    expect(row.changes).toMatchObject({ before: { status: 'active' }, after: { status: 'not_enrolled' } });

    const res = await login(staff);
    expect(res.response.status).toBe(200);
    expect(claimsOf(res.data!.accessToken).amr).toEqual(['pwd']);
    await expectProblem(await t.as(token).DELETE('/api/v1/admin/auth/2fa', { body: { password: staff.password } }), 409, 'two_factor_not_enabled');
  });

  describe('STAFF_2FA_REQUIRED=true', () => {
    let required: TestApp;
    beforeAll(async () => {
      required = await createTestApp({ STAFF_2FA_REQUIRED: 'true' }, [], { clock });
    });
    afterAll(() => required.close());

    it('support staff still sign in with the password alone', async () => {
      const support = await createStaff(t, owner, 'support');
      const res = await required.api.POST('/api/v1/admin/auth/login', { body: { email: support.email, password: support.password } });
      expect(res.response.status).toBe(200);
      expect((await required.as(res.data!.accessToken).GET('/api/v1/admin/auth/2fa')).data).toMatchObject({ status: 'not_enrolled', required: false });
    });

    it('an admin without 2FA gets an enrollment-only challenge: it enrolls, receives recovery codes and tokens, cannot turn 2FA off, and an owner reset makes it enroll again', async () => {
      const admin = await createStaff(t, owner, 'admin');
      const loginId = requestId('2fa-required');
      const res = await required.api.POST('/api/v1/admin/auth/login', { body: { email: admin.email, password: admin.password }, headers: { 'X-Request-Id': loginId } });
      const challenge = (await expectProblem(res, 401, 'two_factor_enrollment_required')).challenge as Challenge;
      expect(challenge).toEqual({ token: expect.stringMatching(/^mfa_/), expiresAt: new Date(clock.now().getTime() + 10 * 60_000).toISOString(), methods: ['enroll'] });
      expect(await refreshRows(admin.id)).toEqual([]);
      expect((await auditRowsFor(required, loginId))[0]).toMatchObject({ errorCode: 'two_factor_enrollment_required', metadata: { secondFactor: 'enrollment_required' } });

      // The enrollment token is good for enrollment only.
      await expectProblem(await required.api.POST('/api/v1/admin/auth/2fa/verify', { body: { challengeToken: challenge.token, code: '123456' } }), 401, 'invalid_two_factor_challenge');
      await expectProblem(await required.api.POST('/api/v1/admin/auth/2fa/challenge/enroll/confirm', { body: { challengeToken: challenge.token, code: '123456' } }), 409, 'two_factor_enrollment_not_started');

      const started = await required.api.POST('/api/v1/admin/auth/2fa/challenge/enroll', { body: { challengeToken: challenge.token } });
      expect(started.response.status).toBe(201);
      const secret = started.data!.secret;
      expect((await factorRow(admin.id))!.confirmed_at).toBeNull();
      await expectProblem(
        await required.api.POST('/api/v1/admin/auth/2fa/challenge/enroll/confirm', { body: { challengeToken: challenge.token, code: wrongCodeAt(secret, clock) } }),
        401,
        'invalid_second_factor',
      );
      const confirmed = await required.api.POST('/api/v1/admin/auth/2fa/challenge/enroll/confirm', { body: { challengeToken: challenge.token, code: codeAt(secret, clock) } });
      expect(confirmed.response.status).toBe(200);
      const body = confirmed.data!;
      expect(body.recoveryCodes).toHaveLength(10);
      expect(claimsOf(body.accessToken).amr).toEqual(['pwd', 'otp', 'mfa']);
      expect((await factorRow(admin.id))!.confirmed_at).toBeInstanceOf(Date);
      expect(await recoveryRows(admin.id)).toHaveLength(10);
      expect((await refreshRows(admin.id)).map((r) => r.amr)).toEqual([['pwd', 'otp', 'mfa']]);
      // Single-use.
      await expectProblem(await required.api.POST('/api/v1/admin/auth/2fa/challenge/enroll', { body: { challengeToken: challenge.token } }), 401, 'invalid_two_factor_challenge');

      const status = (await required.as(body.accessToken).GET('/api/v1/admin/auth/2fa')).data!;
      expect(status).toMatchObject({ status: 'active', required: true, recoveryCodesRemaining: 10 });
      await expectProblem(await required.as(body.accessToken).DELETE('/api/v1/admin/auth/2fa', { body: { password: admin.password } }), 409, 'two_factor_required_by_policy');
      expect(await factorRow(admin.id)).toBeDefined();

      // Next sign-in: the normal second-factor challenge.
      clock.advance(30_000);
      const next = await challengeFor(required, admin);
      expect(next.methods).toEqual(['totp', 'recovery_code']);

      // An owner resets it (lost authenticator): rows gone, sessions revoked, audited; enrollment is asked again.
      const resetId = requestId('2fa-reset');
      const reset = await t.as(owner).DELETE('/api/v1/admin/staff/{staffId}/2fa', { params: { path: { staffId: admin.id } }, headers: { 'X-Request-Id': resetId } });
      expect(reset.response.status).toBe(204);
      expect(await factorRow(admin.id)).toBeUndefined();
      expect(await recoveryRows(admin.id)).toEqual([]);
      expect((await refreshRows(admin.id)).every((r) => r.revoked_at !== null)).toBe(true);
      const [resetRow] = await auditRowsFor(t, resetId);
      expect(resetRow).toMatchObject({ action: 'staff.resetTwoFactor', outcome: 'success', module: 'iam', resourceType: 'staff', resourceId: admin.id });
      expect(resetRow.changes).toMatchObject({ before: { status: 'active' }, after: { status: 'not_enrolled' } });
      await expectProblem(await t.as(owner).DELETE('/api/v1/admin/staff/{staffId}/2fa', { params: { path: { staffId: admin.id } } }), 409, 'two_factor_not_enabled');
      await challengeFor(required, admin, 'two_factor_enrollment_required');
      // The reset signed the member out: its access token is revoked too.
      await expectProblem(await required.as(body.accessToken).GET('/api/v1/auth/me'), 401, 'token_revoked');
      // Only owners may reset.
      const other = await createStaff(t, owner, 'admin');
      const otherToken = (await loginStaff(t, other.email, other.password)).accessToken;
      await expectProblem(await t.as(otherToken).DELETE('/api/v1/admin/staff/{staffId}/2fa', { params: { path: { staffId: admin.id } } }), 403, 'forbidden');
    });
  });
});
