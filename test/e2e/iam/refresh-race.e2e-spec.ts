import { createHash } from 'node:crypto';
import { createStaff, createTestApp, CreatedStaff, loginStaff, TestApp } from '../../support/app';
import { provisionSignedInTenant } from '../../support/fixtures';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Fails the test instead of hanging the suite when a request never answers. */
function withinSeconds<T>(seconds: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${seconds} s`)), seconds * 1000);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

describe('concurrent refreshes of one refresh token end in bounded time', () => {
  let t: TestApp;
  let owner: string;
  let staff: CreatedStaff;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    staff = await createStaff(t, owner, 'support');
  });

  /** POSTs /auth/refresh with `refreshToken` `n` times at once (raw fetch: nothing serialises them). */
  async function burst(refreshToken: string, n: number): Promise<{ status: number; body: Record<string, unknown> }[]> {
    const calls = Array.from({ length: n }, async () => {
      const res = await fetch(`${t.baseUrl}/api/v1/auth/refresh`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ refreshToken }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    });
    return withinSeconds(20, Promise.all(calls));
  }

  /** Connections of the test database left inside a transaction (the hang left them "idle in transaction"). */
  async function connectionsInTransaction(): Promise<number> {
    const [row]: { n: number }[] = await t.db.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'`,
    );
    return row.n;
  }

  const familyRows = async (refreshToken: string): Promise<{ revoked_at: Date | null }[]> =>
    t.db.query(
      `SELECT revoked_at FROM refresh_tokens WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)`,
      [sha256(refreshToken)],
    );

  it('20 concurrent refreshes: exactly one new pair, 19 × 401 refresh_token_superseded, the session survives, no connection held', async () => {
    const pair = await loginStaff(t, staff.email, staff.password);
    const results = await burst(pair.refreshToken, 20);

    const ok = results.filter((r) => r.status === 200);
    const losers = results.filter((r) => r.status !== 200);
    expect(ok).toHaveLength(1);
    expect(losers).toHaveLength(19);
    for (const r of losers) expect(r).toMatchObject({ status: 401, body: { code: 'refresh_token_superseded', status: 401 } });
    expect(await connectionsInTransaction()).toBe(0);

    // One rotation happened: the old row is used, one new row exists, nothing is revoked.
    const rows = await familyRows(pair.refreshToken);
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r.revoked_at).toBeNull();

    // The winner's pair works and rotates on.
    const winner = ok[0].body as { accessToken: string; refreshToken: string };
    expect((await t.as(winner.accessToken).GET('/api/v1/auth/me')).response.status).toBe(200);
    expect((await t.api.POST('/api/v1/auth/refresh', { body: { refreshToken: winner.refreshToken } })).response.status).toBe(200);
  });

  it('a replay after the grace period is a reuse: 20 concurrent replays all answer 401 refresh_token_reused and revoke the family', async () => {
    const pair = await loginStaff(t, staff.email, staff.password);
    const next = (await t.api.POST('/api/v1/auth/refresh', { body: { refreshToken: pair.refreshToken } })).data!;
    // The old token was used a minute ago (beyond JWT_REFRESH_REUSE_GRACE_SECONDS = 10).
    await t.db.query(`UPDATE refresh_tokens SET used_at = now() - interval '1 minute' WHERE token_hash = $1`, [sha256(pair.refreshToken)]);

    const results = await burst(pair.refreshToken, 20);
    for (const r of results) expect(r).toMatchObject({ status: 401, body: { code: 'refresh_token_reused' } });
    expect(await connectionsInTransaction()).toBe(0);

    const rows = await familyRows(pair.refreshToken);
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r.revoked_at).toBeInstanceOf(Date);
    expect((await t.api.POST('/api/v1/auth/refresh', { body: { refreshToken: next.refreshToken } })).response.status).toBe(401);
    expect((await t.as(next.accessToken).GET('/api/v1/auth/me')).response.status).toBe(401);
  });

  it('a token of an account deactivated behind the API’s back: 20 concurrent refreshes all 401, family revoked, no hang', async () => {
    const pair = await loginStaff(t, staff.email, staff.password);
    await t.db.query(`UPDATE staff_members SET is_active = false WHERE id = $1`, [staff.id]);
    const results = await burst(pair.refreshToken, 20);
    for (const r of results) expect(r.status).toBe(401);
    expect(results.some((r) => r.body.code === 'account_inactive')).toBe(true);
    expect(await connectionsInTransaction()).toBe(0);
    for (const r of await familyRows(pair.refreshToken)) expect(r.revoked_at).toBeInstanceOf(Date);
  });

  it('five bursts in a row leave the pool whole: readiness stays 200 and sign-in works (tenant users too)', async () => {
    const tenant = await provisionSignedInTenant(t);
    let refreshToken = tenant.admin.refreshToken;
    for (let i = 0; i < 5; i += 1) {
      const results = await burst(refreshToken, 6);
      const ok = results.filter((r) => r.status === 200);
      expect(ok).toHaveLength(1);
      refreshToken = (ok[0].body as { refreshToken: string }).refreshToken;
    }
    expect(await connectionsInTransaction()).toBe(0);
    expect((await fetch(`${t.baseUrl}/health/ready`)).status).toBe(200);
    expect((await withinSeconds(10, loginStaff(t))).tokenType).toBe('Bearer');
  });
});
