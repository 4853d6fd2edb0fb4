import { createTestApp, loginStaff, OWNER, TestApp } from '../../support/app';

describe('staff sign-in', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('returns a bearer token pair for the bootstrap owner', async () => {
    const pair = await loginStaff(t);
    expect(pair.tokenType).toBe('Bearer');
    expect(pair.expiresIn).toBe(900);
    const me = await t.as(pair.accessToken).GET('/api/v1/auth/me');
    expect(me.data).toMatchObject({ email: OWNER.email, kind: 'platform', role: 'owner', tenantId: null });
  });
});
