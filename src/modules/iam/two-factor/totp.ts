import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { generateSecret, generateURI, verifySync } from 'otplib';
import { REDIS } from '../../../common/redis';
import { Clock } from '../../../common/time';

/** TOTP time step, seconds (RFC 6238 §4.1 X, the default every authenticator app uses). */
export const TOTP_PERIOD_SECONDS = 30;
/** Steps accepted either side of the current one (RFC 6238 §5.2: one step back for network delay, one ahead for clock drift). */
export const TOTP_WINDOW_STEPS = 1;
/** Bytes of a generated shared secret: 160 bits, the HMAC-SHA-1 block RFC 4226 §4 R6 recommends. */
const SECRET_BYTES = 20;

/** Outcome of {@link Totp.verify}: accepted, wrong, or right but already used in its window. */
export type TotpCheck = 'valid' | 'invalid' | 'reused';

/**
 * TOTP (RFC 6238: HOTP, RFC 4226, over 30-second steps of the injected {@link Clock}, 6 digits,
 * HMAC-SHA-1 — what authenticator apps implement) through otplib. A code is accepted within
 * ±{@link TOTP_WINDOW_STEPS} step and only once: the matched step is claimed in Redis with one
 * `SET NX` per staff member and step, shared by every instance, so the same code sent twice (a
 * replay, or two concurrent requests) passes at most once (RFC 6238 §5.2: the verifier must not
 * accept the second attempt of the same OTP).
 */
@Injectable()
export class Totp {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly clock: Clock,
  ) {}

  /** A fresh base32 shared secret (RFC 4648 §6, no padding). */
  static generateSecret(): string {
    return generateSecret({ length: SECRET_BYTES });
  }

  /** The otpauth:// URI an authenticator app scans (Key Uri Format: `otpauth://totp/<issuer>:<label>?secret=…&issuer=…`). */
  static uri(issuer: string, label: string, secret: string): string {
    return generateURI({ issuer, label, secret, period: TOTP_PERIOD_SECONDS });
  }

  /**
   * Checks `code` against `secret` and, when it matches, claims its time step for `subjectId`.
   * Anything that is not six digits is `invalid` without computing anything.
   */
  async verify(subjectId: string, secret: string, code: string): Promise<TotpCheck> {
    if (!/^\d{6}$/.test(code)) return 'invalid';
    const epoch = Math.floor(this.clock.now().getTime() / 1000);
    const result = verifySync({ secret, token: code, epoch, period: TOTP_PERIOD_SECONDS, epochTolerance: TOTP_WINDOW_STEPS * TOTP_PERIOD_SECONDS });
    if (!result.valid) return 'invalid';
    // The matched step: the current one shifted by the window offset otplib reports (RFC 6238 §4.2 T).
    const timeStep = Math.floor(epoch / TOTP_PERIOD_SECONDS) + result.delta;
    // Kept until the step has left every window that could accept it again, plus a margin.
    const ttlSeconds = (2 * TOTP_WINDOW_STEPS + 2) * TOTP_PERIOD_SECONDS;
    const claimed = await this.redis.set(`totp-used:${subjectId}:${timeStep}`, '1', 'EX', ttlSeconds, 'NX');
    return claimed === 'OK' ? 'valid' : 'reused';
  }
}
