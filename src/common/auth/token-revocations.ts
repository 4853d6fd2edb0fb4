import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS } from '../redis/redis.module';
import { AccessTokenClaims } from './token-claims';

/**
 * Immediate revocation of access tokens that are still within their TTL, shared by all
 * instances through Redis (CONVENTIONS §9). A subject (deactivated, demoted or re-activated
 * account) is revoked *up to an instant*: tokens issued before it stop, tokens issued after it
 * work (access tokens carry a millisecond `iat`). A session, a login family or a deleted tenant is
 * revoked outright. Keys expire once no token can outlive them.
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

  /**
   * One round trip for everything a request needs to know about its token beyond the signature:
   * whether its subject, tenant, session or family is revoked, and whether its tenant is
   * suspended (by staff or by billing). The suspension policy then needs no database query.
   */
  async inspect(claims: Pick<AccessTokenClaims, 'sub' | 'tenantId' | 'sid' | 'fid' | 'iat'>): Promise<{ revoked: boolean; tenantSuspended: boolean }> {
    const keys = TokenRevocations.keys(claims);
    if (claims.tenantId) keys.push(`suspended:admin:${claims.tenantId}`, `suspended:billing:${claims.tenantId}`);
    const values = await this.redis.mget(...keys);
    const revokedCount = keys.length - (claims.tenantId ? 2 : 0);
    const issuedAtMs = (claims.iat ?? 0) * 1000;
    const [subjectRevokedBefore, ...others] = values.slice(0, revokedCount);
    return {
      revoked: (subjectRevokedBefore !== null && issuedAtMs <= Number(subjectRevokedBefore)) || others.some((v) => v !== null),
      tenantSuspended: values.slice(revokedCount).some((v) => v !== null),
    };
  }

  /**
   * Records whether a tenant is suspended, per source: `admin` (a super admin suspended it) or
   * `billing` (billingStatus = suspended). The database stays the source of truth; owners of
   * each source rebuild their keys at boot.
   */
  async setTenantSuspended(tenantId: string, source: 'admin' | 'billing', suspended: boolean): Promise<void> {
    if (suspended) await this.redis.set(`suspended:${source}:${tenantId}`, '1');
    else await this.redis.del(`suspended:${source}:${tenantId}`);
  }

  /**
   * Revokes every access token of `subject` issued until now (ms); later tokens are unaffected,
   * so a re-activated or re-roled account signs in again at once. Kept `ttlSeconds` (≥ the
   * longest token lifetime).
   */
  async revokeSubject(subject: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(`revoked:sub:${subject}`, String(Date.now()), 'EX', Math.max(1, ttlSeconds));
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
}
