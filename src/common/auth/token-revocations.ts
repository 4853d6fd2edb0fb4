import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS } from '../redis/redis.module';
import { AccessTokenClaims } from './token-claims';

/**
 * Immediate revocation of access tokens that are still within their TTL, shared by all
 * instances through Redis (CONVENTIONS §9): a subject (deactivated account), a whole tenant
 * (deleted or purged) or one impersonation session. Keys expire once no token can outlive them.
 */
@Injectable()
export class TokenRevocations {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  private static keys(claims: Pick<AccessTokenClaims, 'sub' | 'tenantId' | 'sid' | 'fid'>): string[] {
    const keys = [`revoked:sub:${claims.sub}`];
    if (claims.tenantId) keys.push(`revoked:tenant:${claims.tenantId}`);
    if (claims.sid) keys.push(`revoked:sid:${claims.sid}`);
    if (claims.fid) keys.push(`revoked:fid:${claims.fid}`);
    return keys;
  }

  /** One round trip: whether any of the token's subject, tenant, session or family is revoked. */
  async isRevoked(claims: Pick<AccessTokenClaims, 'sub' | 'tenantId' | 'sid' | 'fid'>): Promise<boolean> {
    const values = await this.redis.mget(...TokenRevocations.keys(claims));
    return values.some((v) => v !== null);
  }

  /** Revokes every access token of `subject` issued so far, for `ttlSeconds` (≥ the access TTL). */
  async revokeSubject(subject: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(`revoked:sub:${subject}`, '1', 'EX', ttlSeconds);
  }

  /** Revokes every access token of a tenant; `ttlSeconds` null keeps it until {@link restoreTenant}. */
  async revokeTenant(tenantId: string, ttlSeconds: number | null = null): Promise<void> {
    if (ttlSeconds === null) await this.redis.set(`revoked:tenant:${tenantId}`, '1');
    else await this.redis.set(`revoked:tenant:${tenantId}`, '1', 'EX', ttlSeconds);
  }

  /** Lifts a tenant-wide revocation (tenant restored). */
  async restoreTenant(tenantId: string): Promise<void> {
    await this.redis.del(`revoked:tenant:${tenantId}`);
  }

  /** Ends an impersonation session at once. */
  async revokeSession(sessionId: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(`revoked:sid:${sessionId}`, '1', 'EX', Math.max(1, ttlSeconds));
  }

  /** Revokes the access tokens of one login (token family), e.g. on logout. */
  async revokeFamily(familyId: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(`revoked:fid:${familyId}`, '1', 'EX', Math.max(1, ttlSeconds));
  }

  /** Lifts a subject revocation (account re-activated). */
  async restoreSubject(subject: string): Promise<void> {
    await this.redis.del(`revoked:sub:${subject}`);
  }
}
