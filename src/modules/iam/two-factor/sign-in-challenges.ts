import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { REDIS } from '../../../common/redis';
import { Clock } from '../../../common/time';
import { StaffSignInChallenge } from '../errors';
import { hashToken } from '../token.service';

/** What a challenge lets its holder do: finish sign-in with a second factor, or enroll one (and only that). */
export type ChallengePurpose = 'verify' | 'enroll';

/** Lifetime of a second-factor challenge, seconds (5 minutes). */
export const VERIFY_CHALLENGE_TTL_SECONDS = 5 * 60;
/** Lifetime of an enrollment challenge, seconds (10 minutes: installing an app and scanning takes longer than typing a code). */
export const ENROLL_CHALLENGE_TTL_SECONDS = 10 * 60;
/** Wrong codes one challenge takes before it is burnt (the account lock-out counts on beyond it). */
export const MAX_CHALLENGE_FAILURES = 5;

/** KEYS[1] the challenge; ARGV[1] the failures that burn it. */
const RECORD_FAILURE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
if failures >= tonumber(ARGV[1]) then redis.call('DEL', KEYS[1]) end
return failures`;

/** A live challenge as stored. */
export interface ChallengeState {
  staffId: string;
  purpose: ChallengePurpose;
}

/**
 * The sign-in challenges of staff two-factor authentication, in Redis (every instance sees them):
 * an opaque 256-bit token (`mfa_…`) handed out when the password was right but a second factor
 * is due, stored only as its SHA-256 under a key that expires with it. It is single-use: consuming
 * it is one `DEL` whose count says who won, so two concurrent verifications cannot both sign in.
 */
@Injectable()
export class SignInChallenges {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly clock: Clock,
  ) {}

  private key(token: string): string {
    return `staff-2fa-challenge:${hashToken(token)}`;
  }

  /** Opens a challenge for `staffId`. */
  async issue(staffId: string, purpose: ChallengePurpose): Promise<StaffSignInChallenge> {
    const token = `mfa_${randomBytes(32).toString('base64url')}`;
    const ttlSeconds = purpose === 'verify' ? VERIFY_CHALLENGE_TTL_SECONDS : ENROLL_CHALLENGE_TTL_SECONDS;
    await this.redis.multi().hset(this.key(token), { staffId, purpose, failures: 0 }).expire(this.key(token), ttlSeconds).exec();
    return {
      token,
      expiresAt: new Date(this.clock.now().getTime() + ttlSeconds * 1000).toISOString(),
      methods: purpose === 'verify' ? ['totp', 'recovery_code'] : ['enroll'],
    };
  }

  /** The live challenge of `token` for `purpose`, or null (unknown, expired, used, burnt, or of the other purpose). */
  async find(token: string, purpose: ChallengePurpose): Promise<ChallengeState | null> {
    const state = await this.redis.hgetall(this.key(token));
    return state.staffId && state.purpose === purpose ? { staffId: state.staffId, purpose } : null;
  }

  /**
   * Counts a wrong code on the challenge; the {@link MAX_CHALLENGE_FAILURES}th burns it. One
   * script, so a challenge that expired meanwhile is not brought back as a key without expiry.
   */
  async recordFailure(token: string): Promise<void> {
    await this.redis.eval(RECORD_FAILURE, 1, this.key(token), MAX_CHALLENGE_FAILURES);
  }

  /** Consumes the challenge; false when another request consumed (or it expired) first. */
  async consume(token: string): Promise<boolean> {
    return (await this.redis.del(this.key(token))) === 1;
  }
}
