import { randomUUID } from 'node:crypto';
import jwt, { Algorithm, SignOptions } from 'jsonwebtoken';
import { APP_CONFIG, AppConfig } from '../../../src/config';
import { auditRowsFor, createTestApp, expectProblem, loginStaff, OWNER, rawFetch, requestId, TestApp } from '../../support/app';

/** The development default the test environment runs with (src/config/env.ts). */
const DEV_SECRET = 'development-only-secret-change-me-0123456789';

const b64url = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');

/**
 * Access-token attacks per RFC 8725: each forged token differs from a valid one in exactly one
 * respect, and a control token forged the same way with nothing wrong is accepted — so every
 * 401 below is caused by the one flaw, not by the forging.
 */
describe('access JWT verification (RFC 8725)', () => {
  let t: TestApp;
  let ownerId: string;
  let config: AppConfig;

  beforeAll(async () => {
    t = await createTestApp();
    config = t.app.get(APP_CONFIG);
    const pair = await loginStaff(t);
    ownerId = (await t.as(pair.accessToken).GET('/api/v1/auth/me')).data!.id;
  });
  afterAll(() => t.close());

  const claims = (over: Record<string, unknown> = {}) => ({
    sub: ownerId,
    kind: 'platform',
    role: 'owner',
    tenantId: null,
    email: OWNER.email,
    jti: randomUUID(),
    ...over,
  });

  const forge = (
    opts: { secret?: string; algorithm?: Algorithm; header?: Record<string, unknown>; issuer?: string; audience?: string; expiresIn?: number; payload?: Record<string, unknown> } = {},
  ): string => {
    const signOptions: SignOptions = {
      algorithm: opts.algorithm ?? 'HS256',
      header: { alg: opts.algorithm ?? 'HS256', typ: 'at+jwt', ...opts.header } as SignOptions['header'],
      issuer: opts.issuer ?? 'control-plane',
      audience: opts.audience ?? 'control-plane-api',
    };
    // A payload that carries its own `exp` (the expired case) must not get another one.
    if (!opts.payload || !('exp' in opts.payload)) signOptions.expiresIn = opts.expiresIn ?? 300;
    return jwt.sign(opts.payload ?? claims(), opts.secret ?? DEV_SECRET, signOptions);
  };

  const me = (token: string) => rawFetch(t, '/api/v1/auth/me', { token });

  it('the test environment runs with the development secret and the documented iss/aud', () => {
    expect(config.jwt).toMatchObject({ secret: DEV_SECRET, issuer: 'control-plane', audience: 'control-plane-api' });
  });

  it('control: a correctly forged token is accepted', async () => {
    const res = await me(forge());
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: ownerId, role: 'owner', kind: 'platform' });
  });

  it('alg "none" (unsigned) → 401', async () => {
    const token = `${b64url({ alg: 'none', typ: 'at+jwt' })}.${b64url({ ...claims(), iss: 'control-plane', aud: 'control-plane-api', exp: Math.floor(Date.now() / 1000) + 300 })}.`;
    await expectProblem(await me(token), 401, 'invalid_token');
  });

  it('a bad signature (another secret) → 401', async () => {
    await expectProblem(await me(forge({ secret: 'an-attackers-secret-that-is-long-enough-0123' })), 401, 'invalid_token');
  });

  it('a tampered payload (role elevated after signing) → 401', async () => {
    const [h, , s] = forge({ payload: claims({ role: 'support' }) }).split('.');
    const tampered = `${h}.${b64url({ ...claims(), iss: 'control-plane', aud: 'control-plane-api', exp: Math.floor(Date.now() / 1000) + 300 })}.${s}`;
    await expectProblem(await me(tampered), 401, 'invalid_token');
  });

  it('another HMAC algorithm (HS512) with the right secret → 401 (one allowed algorithm)', async () => {
    await expectProblem(await me(forge({ algorithm: 'HS512' })), 401, 'invalid_token');
  });

  it('a wrong audience → 401', async () => {
    await expectProblem(await me(forge({ audience: 'some-other-api' })), 401, 'invalid_token');
  });

  it('a wrong issuer → 401', async () => {
    await expectProblem(await me(forge({ issuer: 'evil-issuer' })), 401, 'invalid_token');
  });

  it('no typ header → 401', async () => {
    await expectProblem(await me(forge({ header: { typ: undefined } })), 401, 'invalid_token');
  });

  it('typ "JWT" instead of "at+jwt" → 401', async () => {
    await expectProblem(await me(forge({ header: { typ: 'JWT' } })), 401, 'invalid_token');
  });

  it('an expired token → 401 token_expired', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = forge({ payload: { ...claims(), iat: now - 3600, exp: now - 600 } });
    await expectProblem(await me(token), 401, 'token_expired');
  });

  it('a token missing required claims (no jti / unknown kind) → 401', async () => {
    const { jti: _jti, ...noJti } = claims();
    await expectProblem(await me(forge({ payload: noJti })), 401, 'invalid_token');
    await expectProblem(await me(forge({ payload: claims({ kind: 'partner' }) })), 401, 'invalid_token');
    await expectProblem(await me(forge({ payload: claims({ kind: 'tenant', tenantId: null }) })), 401, 'invalid_token');
  });

  it('a token in another scheme or with no scheme → 401', async () => {
    const token = forge();
    await expectProblem(await rawFetch(t, '/api/v1/auth/me', { headers: { Authorization: `Basic ${token}` } }), 401);
    await expectProblem(await rawFetch(t, '/api/v1/auth/me', { headers: { Authorization: token } }), 401);
  });

  it('a rejected token on a mutating route writes a denied audit row, with no actor', async () => {
    const id = requestId('forged');
    const res = await rawFetch(t, '/api/v1/admin/staff', {
      method: 'POST',
      token: forge({ secret: 'an-attackers-secret-that-is-long-enough-0123' }),
      headers: { 'X-Request-Id': id },
      json: { email: `${randomUUID()}@example.test`, fullName: 'Mallory', role: 'owner', password: 'mallory-password-1' },
    });
    await expectProblem(res, 401, 'invalid_token');
    const rows = await auditRowsFor(t, id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'staff.create', outcome: 'denied', statusCode: 401, errorCode: 'invalid_token', actorId: null, actorEmail: null });
    expect(rows[0].changes).toMatchObject({ request: { password: '[REDACTED]' } });
  });
});
