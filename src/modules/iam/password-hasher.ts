import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

/** Minimum password length (requirement; NIST SP 800-63B allows more, we ask 12). */
export const MIN_PASSWORD_LENGTH = 12;

/**
 * argon2id with the OWASP Password Storage Cheat Sheet parameters: m = 19 MiB, t = 2, p = 1.
 */
@Injectable()
export class PasswordHasher {
  private static readonly options = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
  /** Verified against when the account is unknown, so both paths cost the same. */
  private dummy: Promise<string> | null = null;

  hash(password: string): Promise<string> {
    return argon2.hash(password, PasswordHasher.options);
  }

  /** Constant-effort verify; `hash` null (unknown account) still runs a full verification. */
  async verify(hash: string | null, password: string): Promise<boolean> {
    if (!hash) {
      this.dummy ??= this.hash('dummy-password-for-timing-equalisation');
      await argon2.verify(await this.dummy, password).catch(() => false);
      return false;
    }
    return argon2.verify(hash, password).catch(() => false);
  }
}
