import { createHash } from 'node:crypto';
import { auditRowsFor, createStaff, createTestApp, CreatedStaff, expectProblem, loginStaff, requestId, TestApp } from '../../support/app';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('refresh rotation, reuse detection, logout and deactivation', () => {
  let t: TestApp;
  let owner: string;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
  });
  afterAll(() => t.close());

  const refresh = (refreshToken: string, headers: Record<string, string> = {}) => t.api.POST('/api/v1/auth/refresh', { body: { refreshToken }, headers });
  const familyOf = async (refreshToken: string): Promise<string> =>
    (await t.db.query(`SELECT family_id FROM refresh_tokens WHERE token_hash = $1`, [sha256(refreshToken)]))[0].family_id;
  const familyRows = (familyId: string): Promise<{ token_hash: string; used_at: Date | null; revoked_at: Date | null }[]> =>
    t.db.query(`SELECT token_hash, used_at, revoked_at FROM refresh_tokens WHERE family_id = $1 ORDER BY created_at`, [familyId]);

  let staff: CreatedStaff;
  beforeEach(async () => {
    staff = await createStaff(t, owner, 'support');
  });

  it('a refresh token rotates into a working pair of the same family and is consumed', async () => {
    const first = await loginStaff(t, staff.email, staff.password);
    const id = requestId('refresh');
    const { data: second, response } = await refresh(first.refreshToken, { 'X-Request-Id': id });
    expect(response.status).toBe(200);
    expect(second).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });
    expect(second!.refreshToken).not.toBe(first.refreshToken);
    expect(second!.accessToken).not.toBe(first.accessToken);

    const me = await t.as(second!.accessToken).GET('/api/v1/auth/me');
    expect(me.data).toMatchObject({ id: staff.id, role: 'support', kind: 'platform' });

    const family = await familyOf(first.refreshToken);
    expect(await familyOf(second!.refreshToken)).toBe(family);
    const rows = await familyRows(family);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ token_hash: sha256(first.refreshToken), used_at: expect.any(Date), revoked_at: null });
    expect(rows[1]).toMatchObject({ token_hash: sha256(second!.refreshToken), used_at: null, revoked_at: null });

    // The new refresh token rotates again.
    expect((await refresh(second!.refreshToken)).response.status).toBe(200);

    const [row] = await auditRowsFor(t, id);
    expect(row).toMatchObject({ action: 'auth.refresh', outcome: 'success', actorId: staff.id, actorEmail: staff.email, resourceId: family });
    expect(row.changes).toEqual({ request: { refreshToken: '[REDACTED]' } });
  });

  it('reusing a consumed refresh token → 401 refresh_token_reused and revokes the whole family', async () => {
    const first = await loginStaff(t, staff.email, staff.password);
    const second = (await refresh(first.refreshToken)).data!;
    const third = (await refresh(second.refreshToken)).data!;
    const family = await familyOf(first.refreshToken);
    // A replay, not a concurrent refresh: the first token was used beyond the grace period.
    await t.db.query(`UPDATE refresh_tokens SET used_at = now() - interval '1 minute' WHERE token_hash = $1`, [sha256(first.refreshToken)]);

    const id = requestId('reuse');
    const reuse = await refresh(first.refreshToken, { 'X-Request-Id': id });
    await expectProblem(reuse, 401, 'refresh_token_reused');

    // Every token of the family is revoked in PostgreSQL (committed although the request failed) ...
    const rows = await familyRows(family);
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r.revoked_at).toBeInstanceOf(Date);
    // ... so the newest refresh token fails too,
    const newest = await refresh(third.refreshToken);
    expect(newest.response.status).toBe(401);
    // and the family's access tokens stop at once.
    await expectProblem(await t.as(third.accessToken).GET('/api/v1/auth/me'), 401, 'token_revoked');

    const [row] = await auditRowsFor(t, id);
    expect(row).toMatchObject({ action: 'auth.refresh', outcome: 'denied', statusCode: 401, errorCode: 'refresh_token_reused' });

    // Other logins of the same person are separate families and keep working.
    const other = await loginStaff(t, staff.email, staff.password);
    expect((await refresh(other.refreshToken)).response.status).toBe(200);
  });

  it('presenting a token rotated moments ago (a concurrent tab) → 401 refresh_token_superseded; the session survives', async () => {
    const first = await loginStaff(t, staff.email, staff.password);
    const second = (await refresh(first.refreshToken)).data!;
    const id = requestId('superseded');
    await expectProblem(await refresh(first.refreshToken, { 'X-Request-Id': id }), 401, 'refresh_token_superseded');

    for (const r of await familyRows(await familyOf(first.refreshToken))) expect(r.revoked_at).toBeNull();
    expect((await t.as(second.accessToken).GET('/api/v1/auth/me')).response.status).toBe(200);
    expect((await refresh(second.refreshToken)).response.status).toBe(200);
    const [row] = await auditRowsFor(t, id);
    expect(row).toMatchObject({ action: 'auth.refresh', outcome: 'denied', statusCode: 401, errorCode: 'refresh_token_superseded' });
  });

  it('an unknown refresh token → 401 invalid_refresh_token', async () => {
    await expectProblem(await refresh('rt_this-token-was-never-issued'), 401, 'invalid_refresh_token');
  });

  it('logout → 204; then its refresh token fails and the access token used for logout gets 401', async () => {
    const pair = await loginStaff(t, staff.email, staff.password);
    const other = await loginStaff(t, staff.email, staff.password);
    const id = requestId('logout');
    const res = await t.as(pair.accessToken).POST('/api/v1/auth/logout', { headers: { 'X-Request-Id': id } });
    expect(res.response.status).toBe(204);

    const rows = await familyRows(await familyOf(pair.refreshToken));
    for (const r of rows) expect(r.revoked_at).toBeInstanceOf(Date);
    expect((await refresh(pair.refreshToken)).response.status).toBe(401);
    await expectProblem(await t.as(pair.accessToken).GET('/api/v1/auth/me'), 401, 'token_revoked');
    await expectProblem(await t.as(pair.accessToken).POST('/api/v1/auth/logout'), 401, 'token_revoked');

    // Only that login ended: another session of the same person still works.
    expect((await t.as(other.accessToken).GET('/api/v1/auth/me')).response.status).toBe(200);
    expect((await refresh(other.refreshToken)).response.status).toBe(200);

    const [row] = await auditRowsFor(t, id);
    expect(row).toMatchObject({ action: 'auth.logout', outcome: 'success', statusCode: 204, actorId: staff.id, actorEmail: staff.email });
  });

  it('a deactivated staff member’s refresh token fails at once', async () => {
    const pair = await loginStaff(t, staff.email, staff.password);
    const patched = await t.as(owner).PATCH('/api/v1/admin/staff/{staffId}', { params: { path: { staffId: staff.id } }, body: { isActive: false } });
    expect(patched.response.status).toBe(200);

    const revoked: { revoked_at: Date | null }[] = await t.db.query(`SELECT revoked_at FROM refresh_tokens WHERE principal_id = $1`, [staff.id]);
    expect(revoked.length).toBeGreaterThan(0);
    for (const r of revoked) expect(r.revoked_at).toBeInstanceOf(Date);

    await expectProblem(await refresh(pair.refreshToken), 401);
    // Re-activation does not resurrect the old refresh token.
    await t.as(owner).PATCH('/api/v1/admin/staff/{staffId}', { params: { path: { staffId: staff.id } }, body: { isActive: true } });
    expect((await refresh(pair.refreshToken)).response.status).toBe(401);
  });

  it('a refresh token of an account made inactive behind the API’s back → 401 and its family is revoked', async () => {
    const pair = await loginStaff(t, staff.email, staff.password);
    await t.db.query(`UPDATE staff_members SET is_active = false WHERE id = $1`, [staff.id]);
    await expectProblem(await refresh(pair.refreshToken), 401, 'account_inactive');
    const rows = await familyRows(await familyOf(pair.refreshToken));
    for (const r of rows) expect(r.revoked_at).toBeInstanceOf(Date);
  });

  it('changing the password signs out every session; the old password stops working', async () => {
    const a = await loginStaff(t, staff.email, staff.password);
    const b = await loginStaff(t, staff.email, staff.password);
    const newPassword = `${staff.password}-new`;

    const wrong = await t.as(a.accessToken).POST('/api/v1/auth/password', { body: { currentPassword: 'not-my-password', newPassword } });
    const problem = await expectProblem(wrong, 400, 'validation_failed');
    expect(problem.errors).toEqual([{ field: 'currentPassword', message: expect.any(String) }]);

    const id = requestId('pw');
    const ok = await t.as(a.accessToken).POST('/api/v1/auth/password', { body: { currentPassword: staff.password, newPassword }, headers: { 'X-Request-Id': id } });
    expect(ok.response.status).toBe(204);
    expect((await refresh(a.refreshToken)).response.status).toBe(401);
    expect((await refresh(b.refreshToken)).response.status).toBe(401);
    expect((await t.api.POST('/api/v1/admin/auth/login', { body: { email: staff.email, password: staff.password } })).response.status).toBe(401);
    expect((await loginStaff(t, staff.email, newPassword)).tokenType).toBe('Bearer');

    const [row] = await auditRowsFor(t, id);
    expect(row).toMatchObject({ action: 'auth.changePassword', outcome: 'success', statusCode: 204 });
    expect(row.changes).toEqual({ request: { currentPassword: '[REDACTED]', newPassword: '[REDACTED]' } });
  });
});
