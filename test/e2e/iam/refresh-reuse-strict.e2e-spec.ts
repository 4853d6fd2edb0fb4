import { createHash } from 'node:crypto';
import { createStaff, createTestApp, expectProblem, loginStaff, TestApp } from '../../support/app';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('JWT_REFRESH_REUSE_GRACE_SECONDS=0: strict reuse detection', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ JWT_REFRESH_REUSE_GRACE_SECONDS: '0' });
  });
  afterAll(() => t.close());

  it('every second use of a refresh token is a reuse and revokes the family', async () => {
    const owner = (await loginStaff(t)).accessToken;
    const staff = await createStaff(t, owner, 'support');
    const first = await loginStaff(t, staff.email, staff.password);
    const second = (await t.api.POST('/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } })).data!;
    await expectProblem(await t.api.POST('/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } }), 401, 'refresh_token_reused');

    const rows: { revoked_at: Date | null }[] = await t.db.query(
      `SELECT revoked_at FROM refresh_tokens WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)`,
      [sha256(first.refreshToken)],
    );
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r.revoked_at).toBeInstanceOf(Date);
    expect((await t.api.POST('/api/v1/auth/refresh', { body: { refreshToken: second.refreshToken } })).response.status).toBe(401);
  });
});
