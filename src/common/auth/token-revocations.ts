import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../../config';
import { REDIS } from '../redis/redis.module';
import { AccessTokenClaims } from './token-claims';
import { revocationTtlSeconds } from './token-lifetimes';

/**
 * Immediate revocation of access tokens that are still within their TTL, shared by all
 * instances through Redis (CONVENTIONS §9). A subject (deactivated, demoted or re-activated
 * account) is revoked *up to an instant*: tokens issued before it stop, tokens issued after it
 * work (access tokens carry a millisecond `iat`). A session, a login family or a deleted tenant is
 * revoked outright. Keys expire once no token can outlive them: every revocation lasts
 * {@link revocationTtlSeconds} (the longest access or impersonation lifetime plus the verifier's
 * leeway), and callers cannot choose a shorter one.
 */
/** Redis key of a tenant's cached module entitlements (JSON), read with every tenant token's inspection. */
export function entitlementsKey(tenantId: string): string {
  return `entitlements:${tenantId}`;
}

@Injectable()
export class TokenRevocations {
  /** Seconds every revocation key lives. */
  private readonly ttlSeconds: number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttlSeconds = revocationTtlSeconds(config.jwt.accessTtlSeconds);
  }

  private static keys(claims: Pick<AccessTokenClaims, 'sub' | 'tenantId' | 'sid' | 'fid'>): string[] {
    const keys = [`revoked:sub:${claims.sub}`];
    if (claims.tenantId) keys.push(`revoked:tenant:${claims.tenantId}`);
    if (claims.sid) keys.push(`revoked:sid:${claims.sid}`);
    if (claims.fid) keys.push(`revoked:fid:${claims.fid}`);
    return keys;
  }

  /**
   * One round trip for everything a request needs to know about its token beyond the signature:
   * whether its subject, tenant, session or family is revoked, whether its tenant is suspended
   * (by staff or by billing), and the tenant's cached module entitlements. The suspension policy
   * and the module guard then need no database query.
   */
  async inspect(claims: Pick<AccessTokenClaims, 'sub' | 'tenantId' | 'sid' | 'fid' | 'iat' | 'act'>): Promise<{ revoked: boolean; tenantSuspended: boolean; tenantSuspendedByStaff: boolean; moduleEntitlements: string | null }> {
    // Subjects revoked up to an instant: the token's subject and, for an impersonation token,
    // the staff member acting (a deactivated or demoted impersonator loses the session too).
    const subjects = [`revoked:sub:${claims.sub}`, ...(claims.act?.sub ? [`revoked:sub:${claims.act.sub}`] : [])];
    const outright = TokenRevocations.keys(claims).slice(1);
    const suspension = claims.tenantId ? [`suspended:admin:${claims.tenantId}`, `suspended:billing:${claims.tenantId}`] : [];
    const entitlements = claims.tenantId ? [entitlementsKey(claims.tenantId)] : [];
    const values = await this.redis.mget(...subjects, ...outright, ...suspension, ...entitlements);
    const issuedAtMs = (claims.iat ?? 0) * 1000;
    const subjectValues = values.slice(0, subjects.length);
    const outrightValues = values.slice(subjects.length, subjects.length + outright.length);
    return {
      revoked: subjectValues.some((v) => v !== null && issuedAtMs <= Number(v)) || outrightValues.some((v) => v !== null),
      tenantSuspended: values.slice(subjects.length + outright.length, subjects.length + outright.length + suspension.length).some((v) => v !== null),
      tenantSuspendedByStaff: suspension.length > 0 && values[subjects.length + outright.length] !== null,
      moduleEntitlements: entitlements.length ? (values[values.length - 1] ?? null) : null,
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
   * Revokes every access token of `subject` issued until now (ms), including impersonation
   * tokens whose actor is `subject`; later tokens are unaffected, so a re-activated or re-roled
   * account signs in again at once.
   */
  async revokeSubject(subject: string): Promise<void> {
    await this.redis.set(`revoked:sub:${subject}`, String(Date.now()), 'EX', this.ttlSeconds);
  }

  /** Tenant ids that currently carry a suspension flag of `source` (boot reconciliation; SCAN, not KEYS). */
  async suspendedTenantIds(source: 'admin' | 'billing'): Promise<string[]> {
    return this.scanIds(`suspended:${source}:`);
  }

  /** Tenant ids whose tokens are currently revoked tenant-wide (boot reconciliation). */
  async revokedTenantIds(): Promise<string[]> {
    return this.scanIds('revoked:tenant:');
  }

  private async scanIds(prefix: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      ids.push(...keys.map((k) => k.slice(prefix.length)));
    } while (cursor !== '0');
    return ids;
  }

  /**
   * Revokes every access token of a tenant: `until: 'restored'` keeps it until
   * {@link restoreTenant} (a deleted tenant), `'expired'` until no token can outlive it (a purged one).
   */
  async revokeTenant(tenantId: string, until: 'restored' | 'expired' = 'restored'): Promise<void> {
    if (until === 'restored') await this.redis.set(`revoked:tenant:${tenantId}`, '1');
    else await this.redis.set(`revoked:tenant:${tenantId}`, '1', 'EX', this.ttlSeconds);
  }

  /** Lifts a tenant-wide revocation (tenant restored). */
  async restoreTenant(tenantId: string): Promise<void> {
    await this.redis.del(`revoked:tenant:${tenantId}`);
  }

  /** Ends an impersonation session's token at once. */
  async revokeSession(sessionId: string): Promise<void> {
    await this.redis.set(`revoked:sid:${sessionId}`, '1', 'EX', this.ttlSeconds);
  }

  /** Revokes the access tokens of one login (token family), e.g. on logout. */
  async revokeFamily(familyId: string): Promise<void> {
    await this.redis.set(`revoked:fid:${familyId}`, '1', 'EX', this.ttlSeconds);
  }
}
