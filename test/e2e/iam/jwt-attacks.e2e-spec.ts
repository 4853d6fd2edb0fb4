import { createHmac, randomUUID } from 'node:crypto';
import jwt, { Algorithm, SignOptions } from 'jsonwebtoken';
import { JWT_CLOCK_TOLERANCE_SECONDS, revocationTtlSeconds } from '../../../src/common/auth/token-lifetimes';
import { TokenRevocations } from '../../../src/common/auth/token-revocations';
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

  /**
   * Signs header and payload exactly as given (HS256, the right secret), for what jsonwebtoken's
   * signer refuses or rewrites: no `exp`, a string `iat`, a `crit` header, or raw JSON text such
   * as `1e400` (which JSON.parse reads as Infinity).
   */
  const signRaw = (header: Record<string, unknown> | string, payload: Record<string, unknown> | string): string => {
    const part = (v: Record<string, unknown> | string) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
    const input = `${part(header)}.${part(payload)}`;
    return `${input}.${createHmac('sha256', DEV_SECRET).update(input).digest('base64url')}`;
  };
  const HEADER = { alg: 'HS256', typ: 'at+jwt' };
  const now = () => Date.now() / 1000;
  /** Valid claims with `iss`, `aud`, a fractional `iat` (as the issuer signs them) and `exp`, then `over` (undefined deletes). */
  const fullClaims = (over: Record<string, unknown> = {}) => {
    const c: Record<string, unknown> = { ...claims(), iss: 'control-plane', aud: 'control-plane-api', iat: now(), exp: Math.floor(now()) + 300, ...over };
    for (const [k, v] of Object.entries(over)) if (v === undefined) delete c[k];
    return c;
  };

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

  describe('registered claims and critical headers (RFC 7519 §4.1, RFC 7515 §4.1.11, RFC 8725 §3.10)', () => {
    it('control: a token signed by the raw signer with nothing wrong is accepted', async () => {
      expect((await me(signRaw(HEADER, fullClaims()))).status).toBe(200);
    });

    it('an `iat` within the clock leeway in the future is accepted (clock skew between instances)', async () => {
      const res = await me(signRaw(HEADER, fullClaims({ iat: now() + JWT_CLOCK_TOLERANCE_SECONDS - 2 })));
      expect(res.status).toBe(200);
    });

    it('an `iat` in the future beyond the leeway → 401 invalid_token', async () => {
      await expectProblem(await me(signRaw(HEADER, fullClaims({ iat: now() + 3600, exp: Math.floor(now()) + 3900 }))), 401, 'invalid_token');
      await expectProblem(await me(signRaw(HEADER, fullClaims({ iat: now() + JWT_CLOCK_TOLERANCE_SECONDS + 3 }))), 401, 'invalid_token');
    });

    it('no `exp` → 401 invalid_token (a token must expire)', async () => {
      await expectProblem(await me(signRaw(HEADER, fullClaims({ exp: undefined }))), 401, 'invalid_token');
    });

    it('a non-numeric or non-finite `exp` → 401 invalid_token', async () => {
      await expectProblem(await me(signRaw(HEADER, fullClaims({ exp: 'tomorrow' }))), 401, 'invalid_token');
      await expectProblem(await me(signRaw(HEADER, fullClaims({ exp: null }))), 401, 'invalid_token');
      // 1e400 is valid JSON that parses to Infinity: a number that never expires.
      const infinite = JSON.stringify(fullClaims({ exp: 0 })).replace('"exp":0', '"exp":1e400');
      await expectProblem(await me(signRaw(HEADER, infinite)), 401, 'invalid_token');
    });

    it('a string, missing or non-finite `iat` → 401 invalid_token', async () => {
      await expectProblem(await me(signRaw(HEADER, fullClaims({ iat: 'yesterday' }))), 401, 'invalid_token');
      await expectProblem(await me(signRaw(HEADER, fullClaims({ iat: undefined }))), 401, 'invalid_token');
      await expectProblem(await me(signRaw(HEADER, fullClaims({ iat: String(Math.floor(now())) }))), 401, 'invalid_token');
      const negInfinite = JSON.stringify(fullClaims({ iat: 0 })).replace('"iat":0', '"iat":-1e400');
      await expectProblem(await me(signRaw(HEADER, negInfinite)), 401, 'invalid_token');
    });

    it('an `iat` older than any revocation that could cover it → 401 invalid_token, even with a future `exp`', async () => {
      const iat = now() - revocationTtlSeconds(config.jwt.accessTtlSeconds) - 10;
      await expectProblem(await me(signRaw(HEADER, fullClaims({ iat, exp: Math.floor(now()) + 300 }))), 401, 'invalid_token');
    });

    it('a `crit` header naming an extension this service does not understand → 401 invalid_token', async () => {
      const header = { ...HEADER, crit: ['urn:example:must-understand'], 'urn:example:must-understand': true };
      await expectProblem(await me(signRaw(header, fullClaims())), 401, 'invalid_token');
      // A registered claim name listed as critical is no better: nothing here is an extension we process.
      await expectProblem(await me(signRaw({ ...HEADER, crit: ['exp'] }, fullClaims())), 401, 'invalid_token');
    });

    it('an empty `crit` array → 401 invalid_token (RFC 7515 §4.1.11: producers must not send [])', async () => {
      await expectProblem(await me(signRaw({ ...HEADER, crit: [] }, fullClaims())), 401, 'invalid_token');
    });

    it('a token without a finite numeric `iat` never reaches the revocation check, so a revoked subject cannot slip through', async () => {
      const inspect = jest.spyOn(t.app.get(TokenRevocations), 'inspect');
      try {
        for (const iat of ['yesterday', undefined, null, now() + 3600]) {
          await expectProblem(await me(signRaw(HEADER, fullClaims({ iat }))), 401, 'invalid_token');
        }
        expect(inspect).not.toHaveBeenCalled();
        // Control: a good token does reach it, with its numeric iat.
        expect((await me(signRaw(HEADER, fullClaims()))).status).toBe(200);
        expect(inspect).toHaveBeenCalledTimes(1);
        expect(Number.isFinite(inspect.mock.calls[0][0].iat)).toBe(true);
      } finally {
        inspect.mockRestore();
      }
    });
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
