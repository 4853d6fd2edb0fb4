import { createHmac, hkdfSync } from 'node:crypto';
import { IdempotencyKeys } from './idempotency-keys';

const JWT = 'jwt-secret-of-at-least-thirty-two-characters';
const OWN = 'idempotency-secret-of-at-least-thirty-two-chars';

describe('IdempotencyKeys', () => {
  it('never uses the JWT secret itself as a key: fingerprints are HMACs under an HKDF-derived key', () => {
    const keys = new IdempotencyKeys({ idempotencySecret: null, jwt: { secret: JWT } });
    const derived = Buffer.from(hkdfSync('sha256', Buffer.from(JWT), 'control-plane/idempotency-store', 'request-fingerprint/v2', 32));
    expect(keys.fingerprint('{"a":1}')).toBe(`v2:${createHmac('sha256', derived).update('{"a":1}').digest('hex')}`);
    expect(keys.fingerprint('{"a":1}')).not.toContain(createHmac('sha256', JWT).update('{"a":1}').digest('hex'));
  });

  it('with IDEMPOTENCY_SECRET set, the keys do not depend on JWT_SECRET', () => {
    const a = new IdempotencyKeys({ idempotencySecret: OWN, jwt: { secret: JWT } });
    const b = new IdempotencyKeys({ idempotencySecret: OWN, jwt: { secret: `${JWT}-rotated` } });
    expect(a.fingerprint('x')).toBe(b.fingerprint('x'));
    expect(a.responseKey('key-1', 'platform:1').equals(b.responseKey('key-1', 'platform:1'))).toBe(true);
    const fallback = new IdempotencyKeys({ idempotencySecret: null, jwt: { secret: JWT } });
    expect(a.fingerprint('x')).not.toBe(fallback.fingerprint('x'));
  });

  it('response keys are bound to the client key and the scope', () => {
    const keys = new IdempotencyKeys({ idempotencySecret: OWN, jwt: { secret: JWT } });
    expect(keys.responseKey('k', 'platform:1').equals(keys.responseKey('k', 'platform:2'))).toBe(false);
    expect(keys.responseKey('k', 'platform:1').equals(keys.responseKey('j', 'platform:1'))).toBe(false);
  });

  it('reads rows of the earlier scheme (version 1: bare HMAC under the JWT secret) until they expire', () => {
    const keys = new IdempotencyKeys({ idempotencySecret: OWN, jwt: { secret: JWT } });
    const legacy = createHmac('sha256', Buffer.from(JWT)).update('x').digest('hex');
    expect(IdempotencyKeys.versionOf(legacy)).toBe(1);
    expect(keys.fingerprint('x', 1)).toBe(legacy);
    expect(IdempotencyKeys.versionOf(keys.fingerprint('x'))).toBe(2);
  });
});
