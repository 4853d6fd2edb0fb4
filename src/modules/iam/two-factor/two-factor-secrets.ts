import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, randomInt } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../../config';

/** HKDF salt of the staff two-factor key (RFC 5869 §3.1: fixed, application-specific). */
const SALT = 'control-plane/staff-two-factor';

/** Recovery codes issued per enrollment (and per regeneration). */
export const RECOVERY_CODE_COUNT = 10;
/** Crockford base32 without I, L, O, U: no look-alike characters when a code is typed from paper. */
const RECOVERY_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Characters of a recovery code (5 bits each: 60 bits of entropy), shown in groups of four. */
const RECOVERY_CODE_LENGTH = 12;

/**
 * The key material of staff two-factor authentication, derived by HKDF-SHA256 from
 * STAFF_2FA_SECRETS_KEY (or, when unset, from JWT_SECRET under this label, so the JWT key itself
 * never encrypts anything) — the same construction as the webhook secrets of the integrations
 * context, under its own salt and config key, so neither key can open the other's values:
 *
 * - TOTP shared secrets (RFC 6238 §5.1: the verifier must keep them, so they cannot be hashed) are
 *   sealed with AES-256-GCM: `v1.<iv>.<tag>.<ciphertext>` (base64url), the staff member's id as
 *   additional authenticated data, so a sealed secret copied to another member's row does not open.
 * - Recovery codes are stored as HMAC-SHA256 under a second derived key (a "pepper"), hex. A fast
 *   hash is the right tool here, not argon2: each code has 60 bits of entropy from a CSPRNG (a
 *   password has far less, which is what argon2's cost is for), a sign-in compares one presented
 *   code with up to ten stored ones (ten argon2 verifications, ~0.4 s, per attempt would be a
 *   denial-of-service lever), and the hash lets the lookup be one indexed equality. The pepper
 *   means a stolen database alone does not even allow an offline search of the 2^60 space.
 */
@Injectable()
export class TwoFactorSecrets {
  private readonly sealingKey: Buffer;
  private readonly recoveryKey: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const ikm = Buffer.from(config.staffTwoFactor.secretsKey ?? config.jwt.secret, 'utf8');
    this.sealingKey = Buffer.from(hkdfSync('sha256', ikm, SALT, 'totp-secret-sealing/v1', 32));
    this.recoveryKey = Buffer.from(hkdfSync('sha256', ikm, SALT, 'recovery-code-hmac/v1', 32));
  }

  /** Seals a base32 TOTP secret for the row of staff member `staffId`. */
  seal(secret: string, staffId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.sealingKey, iv);
    cipher.setAAD(Buffer.from(staffId, 'utf8'));
    const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
  }

  /** @throws Error when the value was not sealed with this key for this staff member (tampered, moved, or another key). */
  open(sealed: string, staffId: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('not a sealed TOTP secret');
    const decipher = createDecipheriv('aes-256-gcm', this.sealingKey, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(staffId, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** {@link RECOVERY_CODE_COUNT} fresh recovery codes, formatted `XXXX-XXXX-XXXX`. */
  static generateRecoveryCodes(): string[] {
    return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
      const chars = Array.from({ length: RECOVERY_CODE_LENGTH }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('');
      return chars.match(/.{4}/g)!.join('-');
    });
  }

  /**
   * The stored form of a recovery code: HMAC-SHA256 hex of its normalised form (upper case,
   * separators and spaces dropped, Crockford look-alikes I/L → 1 and O → 0), so a code typed in
   * lower case or without dashes still matches.
   */
  hashRecoveryCode(code: string): string {
    const normalised = code
      .toUpperCase()
      .replace(/[\s-]/g, '')
      .replace(/[IL]/g, '1')
      .replace(/O/g, '0');
    return createHmac('sha256', this.recoveryKey).update(normalised).digest('hex');
  }
}
