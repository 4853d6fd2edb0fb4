import { createHmac, hkdfSync } from 'node:crypto';
import type { AppConfig } from '../../config';

/** HKDF salt of every idempotency-store key (RFC 5869 §3.1: a fixed, application-specific salt). */
const STORE_SALT = 'control-plane/idempotency-store';

/**
 * Keys of the idempotency store, derived with HKDF-SHA256 (RFC 5869) from IDEMPOTENCY_SECRET, or,
 * when it is unset, from JWT_SECRET under the store's own salt and labels — a documented
 * derivation, so the JWT signing key itself never encrypts or fingerprints anything here and a
 * leaked store key reveals nothing about it. Rows written by the earlier scheme (version 1: the
 * JWT secret used directly) are still read until they expire (24 hours).
 */
export class IdempotencyKeys {
  /** Current scheme version, stored with every fingerprint and sealed body. */
  static readonly VERSION = 2;
  private readonly fingerprintKey: Buffer;
  private readonly responseRoot: Buffer;
  private readonly legacyRoot: Buffer;

  constructor(config: Pick<AppConfig, 'idempotencySecret'> & { jwt: { secret: string } }) {
    const ikm = Buffer.from(config.idempotencySecret ?? config.jwt.secret, 'utf8');
    this.fingerprintKey = Buffer.from(hkdfSync('sha256', ikm, STORE_SALT, 'request-fingerprint/v2', 32));
    this.responseRoot = Buffer.from(hkdfSync('sha256', ikm, STORE_SALT, 'response-encryption/v2', 32));
    this.legacyRoot = Buffer.from(config.jwt.secret, 'utf8');
  }

  /** `v2:<hex HMAC-SHA256>` of a request's canonical form; `version` 1 gives the legacy bare hex. */
  fingerprint(canonical: string, version = IdempotencyKeys.VERSION): string {
    if (version === 1) return createHmac('sha256', this.legacyRoot).update(canonical).digest('hex');
    return `v2:${createHmac('sha256', this.fingerprintKey).update(canonical).digest('hex')}`;
  }

  /** Scheme version of a stored fingerprint (legacy rows carry no prefix). */
  static versionOf(storedFingerprint: string): number {
    return storedFingerprint.startsWith('v2:') ? 2 : 1;
  }

  /** AES-256 key of one stored response: bound to the client's Idempotency-Key and the caller's scope. */
  responseKey(clientKey: string, scope: string, version = IdempotencyKeys.VERSION): Buffer {
    const root = version === 1 ? this.legacyRoot : this.responseRoot;
    return Buffer.from(hkdfSync('sha256', root, Buffer.from(clientKey, 'utf8'), `idempotency-response:${scope}`, 32));
  }
}
