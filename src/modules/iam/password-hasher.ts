import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import pLimit from 'p-limit';

/**
 * argon2 runs on libuv's thread pool (UV_THREADPOOL_SIZE, default 4): at most that many
 * hashes/verifications run at once, the rest wait their turn in order, so a burst of sign-ins
 * or user creations queues in memory instead of flooding the pool other I/O (DNS, fs, crypto)
 * needs too.
 */
export const HASH_CONCURRENCY = Math.max(1, Number(process.env.UV_THREADPOOL_SIZE) || 4);

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
  private readonly slots = pLimit(HASH_CONCURRENCY);

  /** The argon2id hash of `password` (PHC string). Call it before the transaction's first statement. */
  hash(password: string): Promise<string> {
    return this.slots(() => argon2.hash(password, PasswordHasher.options));
  }

  /** Constant-effort verify; `hash` null (unknown account) still runs a full verification. */
  async verify(hash: string | null, password: string): Promise<boolean> {
    if (!hash) {
      this.dummy ??= this.hash('dummy-password-for-timing-equalisation');
      const dummy = await this.dummy;
      await this.slots(() => argon2.verify(dummy, password)).catch(() => false);
      return false;
    }
    return this.slots(() => argon2.verify(hash, password)).catch(() => false);
  }
}
