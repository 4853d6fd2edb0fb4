import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ACCESS_TOKEN_ALG, ACCESS_TOKEN_TYP, AccessTokenClaims, TokenRevocations } from '../../common/auth';
import { UnauthorizedError } from '../../common/errors';
import { UnitOfWork } from '../../common/events';
import { APP_CONFIG, AppConfig } from '../../config';
import { RefreshToken } from './entities/refresh-token.entity';

/** The pair returned by login and refresh (RFC 6749 §5.1 field semantics, camelCase). */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Access token lifetime in seconds. */
  expiresIn: number;
}

/** Subject of a token pair. */
export interface TokenSubject {
  kind: 'platform' | 'tenant';
  id: string;
  email: string;
  role: string;
  tenantId: string | null;
}

/** SHA-256 hex of a refresh token, the only form stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Issues access JWTs (HS256, `typ: at+jwt`, iss/aud, short TTL) and single-use refresh tokens
 * with family-wide reuse detection.
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly dataSource: DataSource,
    private readonly revocations: TokenRevocations,
    private readonly uow: UnitOfWork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Signs an access token; `extra` adds `act`/`sid` for impersonation. `ttlSeconds` defaults to config. */
  signAccessToken(subject: TokenSubject, extra: Partial<Pick<AccessTokenClaims, 'act' | 'sid' | 'fid'>> = {}, ttlSeconds = this.config.jwt.accessTtlSeconds): string {
    const claims: Omit<AccessTokenClaims, 'iat' | 'exp' | 'iss' | 'aud'> = {
      sub: subject.id,
      kind: subject.kind,
      role: subject.role,
      tenantId: subject.tenantId,
      email: subject.email,
      jti: randomUUID(),
      ...extra,
    };
    // Millisecond `iat` (RFC 7519 NumericDate may be fractional) so a subject revocation can
    // tell tokens issued before it from tokens issued just after it (TokenRevocations).
    (claims as AccessTokenClaims).iat = Date.now() / 1000;
    return this.jwt.sign(claims, {
      algorithm: ACCESS_TOKEN_ALG,
      header: { alg: ACCESS_TOKEN_ALG, typ: ACCESS_TOKEN_TYP },
      expiresIn: ttlSeconds,
      issuer: this.config.jwt.issuer,
      audience: this.config.jwt.audience,
      secret: this.config.jwt.secret,
    });
  }

  /** Starts a new token family for a fresh login, in the current transaction. */
  async issuePair(subject: TokenSubject, familyId: string = randomUUID()): Promise<TokenPair> {
    const refreshToken = `rt_${randomBytes(32).toString('base64url')}`;
    await this.txHost.tx.getRepository(RefreshToken).insert({
      familyId,
      principalKind: subject.kind,
      principalId: subject.id,
      tenantId: subject.tenantId,
      tokenHash: hashToken(refreshToken),
      expiresAt: new Date(Date.now() + this.config.jwt.refreshTtlSeconds * 1000),
    });
    return {
      accessToken: this.signAccessToken(subject, { fid: familyId }),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.config.jwt.accessTtlSeconds,
    };
  }

  /**
   * Consumes a refresh token atomically (one conditional UPDATE). Returns its row, or throws
   * 401; a token that was already used or revoked revokes its whole family first — committed
   * on its own connection so the 401's rollback cannot undo it.
   * @throws UnauthorizedError `invalid_refresh_token` | `refresh_token_reused`
   */
  async consumeRefreshToken(token: string): Promise<RefreshToken> {
    const hash = hashToken(token);
    const rows: RefreshToken[] = await this.txHost.tx
      .getRepository(RefreshToken)
      .createQueryBuilder()
      .update()
      .set({ usedAt: () => 'now()' })
      .where('token_hash = :hash AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()', { hash })
      .returning('*')
      .execute()
      .then((r) => (r.raw as Record<string, unknown>[]).map((raw) => this.txHost.tx.getRepository(RefreshToken).create({
        id: raw.id as string,
        familyId: raw.family_id as string,
        principalKind: raw.principal_kind as 'platform' | 'tenant',
        principalId: raw.principal_id as string,
        tenantId: raw.tenant_id as string | null,
      })));
    if (rows.length) return rows[0];
    const existing = await this.dataSource.getRepository(RefreshToken).findOne({ where: { tokenHash: hash } });
    if (existing && (existing.usedAt || existing.revokedAt)) {
      await this.revokeFamily(existing.familyId, this.dataSource);
      throw new UnauthorizedError('This refresh token was already used; the session has been revoked.', 'refresh_token_reused');
    }
    throw new UnauthorizedError('The refresh token is invalid or expired.', 'invalid_refresh_token');
  }

  /** The unused, unrevoked, unexpired refresh token row of `token`, or null; takes no lock. */
  async findLiveRefreshToken(token: string): Promise<RefreshToken | null> {
    return this.txHost.tx
      .getRepository(RefreshToken)
      .createQueryBuilder('r')
      .where('r.token_hash = :hash AND r.used_at IS NULL AND r.revoked_at IS NULL AND r.expires_at > now()', { hash: hashToken(token) })
      .getOne();
  }

  /**
   * {@link revokeFamily} committed at once on its own connection, so a failing request's
   * rollback cannot undo it. The caller's transaction must hold no lock on the family's rows.
   */
  async revokeFamilyCommitted(familyId: string): Promise<void> {
    await this.revokeFamily(familyId, this.dataSource);
  }

  /** Revokes every refresh token of a family and its access tokens (logout, reuse). */
  async revokeFamily(familyId: string, dataSource: DataSource | null = null): Promise<void> {
    const manager = dataSource ? dataSource.manager : this.txHost.tx;
    await manager.query(`UPDATE refresh_tokens SET revoked_at = now(), updated_at = now() WHERE family_id = $1 AND revoked_at IS NULL`, [familyId]);
    const revokeAccess = () => this.revocations.revokeFamily(familyId, this.config.jwt.accessTtlSeconds);
    // Committed on its own connection: revoke now; in the request's transaction: once it commits.
    if (dataSource) await revokeAccess();
    else await this.uow.afterCommit(revokeAccess);
  }

  /** Revokes an impersonation session's token once the request commits (up to the 60-minute maximum lifetime). */
  async revokeImpersonationToken(sessionId: string): Promise<void> {
    await this.uow.afterCommit(() => this.revocations.revokeSession(sessionId, 60 * 60));
  }

  /** Revokes every live refresh token family of a principal and their access tokens (deactivation, password change). */
  async revokeAllFor(principalId: string): Promise<void> {
    const [rows]: [{ family_id: string }[], number] = await this.txHost.tx.query(
      `UPDATE refresh_tokens SET revoked_at = now(), updated_at = now()
       WHERE principal_id = $1 AND revoked_at IS NULL AND expires_at > now()
       RETURNING family_id`,
      [principalId],
    );
    // Their access tokens stop too, once the change has committed.
    const families = [...new Set(rows.map((r) => r.family_id))];
    await this.uow.afterCommit(async () => {
      for (const familyId of families) await this.revocations.revokeFamily(familyId, this.config.jwt.accessTtlSeconds);
    });
  }
}
