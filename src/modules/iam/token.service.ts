import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
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

/**
 * Authentication method references of a login (RFC 8176 §2): `pwd` a password, `otp` a one-time
 * password (a TOTP code, RFC 6238, or a single-use recovery code), `mfa` more than one factor.
 */
export type AuthenticationMethod = 'pwd' | 'otp' | 'mfa';
/** The `amr` of a password-only login. */
export const PASSWORD_ONLY: readonly AuthenticationMethod[] = ['pwd'];

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
    private readonly revocations: TokenRevocations,
    private readonly uow: UnitOfWork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Signs an access token; `extra` adds `act`/`sid` for impersonation, `client_id`/`scope` for a
   * service, `amr` (RFC 8176, informational: how the login authenticated) for a login. `ttlSeconds` defaults to config.
   */
  signAccessToken(
    subject: Omit<TokenSubject, 'kind'> & { kind: AccessTokenClaims['kind'] },
    extra: Partial<Pick<AccessTokenClaims, 'act' | 'sid' | 'fid' | 'client_id' | 'scope'>> & { amr?: readonly string[] } = {},
    ttlSeconds = this.config.jwt.accessTtlSeconds,
  ): string {
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

  /**
   * Starts a new token family for a fresh login (or, with its `familyId`, continues one on
   * refresh), in the current transaction. `amr` is stored with the refresh token, so the access
   * tokens of a refreshed login keep saying how it authenticated.
   */
  async issuePair(subject: TokenSubject, familyId: string = randomUUID(), amr: readonly string[] = PASSWORD_ONLY): Promise<TokenPair> {
    const refreshToken = `rt_${randomBytes(32).toString('base64url')}`;
    await this.txHost.tx.getRepository(RefreshToken).insert({
      familyId,
      principalKind: subject.kind,
      principalId: subject.id,
      tenantId: subject.tenantId,
      tokenHash: hashToken(refreshToken),
      expiresAt: new Date(Date.now() + this.config.jwt.refreshTtlSeconds * 1000),
      amr: [...amr],
    });
    return {
      accessToken: this.signAccessToken(subject, { fid: familyId, amr }),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.config.jwt.accessTtlSeconds,
    };
  }

  /**
   * Consumes a refresh token atomically (one conditional UPDATE) and returns its row, or throws
   * 401. Concurrent refreshes of one token: the first to commit wins; the others wait for its
   * row lock (bounded by that transaction) and then find the token used:
   * - used less than `refreshReuseGraceSeconds` ago, by a request that was concurrent with this
   *   one → 401 `refresh_token_superseded`, the family stays valid (several browser tabs
   *   refreshing at once must not sign the user out);
   * - used earlier, or revoked → 401 `refresh_token_reused` and the whole family is revoked
   *   (OAuth 2.0 Security BCP, RFC 9700 §4.14.2: refresh token rotation with reuse detection).
   * The family revocation runs after this request's transaction has ended, on its own unit of
   * work: the losing UPDATE keeps the token row locked until then, so revoking from inside it on
   * a second connection would wait for that lock forever.
   * @throws UnauthorizedError `invalid_refresh_token` | `refresh_token_superseded` | `refresh_token_reused`
   */
  async consumeRefreshToken(token: string): Promise<RefreshToken> {
    const hash = hashToken(token);
    const repo = this.txHost.tx.getRepository(RefreshToken);
    const result = await repo
      .createQueryBuilder()
      .update()
      .set({ usedAt: () => 'clock_timestamp()' })
      .where('token_hash = :hash AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()', { hash })
      .returning('*')
      .execute();
    const [raw] = result.raw as Record<string, unknown>[];
    if (raw) {
      return repo.create({
        id: raw.id as string,
        familyId: raw.family_id as string,
        principalKind: raw.principal_kind as 'platform' | 'tenant',
        principalId: raw.principal_id as string,
        tenantId: raw.tenant_id as string | null,
        amr: (raw.amr as string[] | null) ?? [...PASSWORD_ONLY],
      });
    }
    // Read in this transaction: READ COMMITTED sees what the winner of a race committed.
    const [existing]: { family_id: string; used: boolean; revoked: boolean; superseded: boolean }[] = await this.txHost.tx.query(
      `SELECT family_id, used_at IS NOT NULL AS used, revoked_at IS NOT NULL AS revoked,
              (used_at IS NOT NULL AND used_at > clock_timestamp() - make_interval(secs => $2)) AS superseded
       FROM refresh_tokens WHERE token_hash = $1`,
      [hash, this.config.jwt.refreshReuseGraceSeconds],
    );
    if (existing && existing.superseded && !existing.revoked) {
      throw new UnauthorizedError(
        'This refresh token was just exchanged by a concurrent request; use the token pair that request received.',
        'refresh_token_superseded',
      );
    }
    if (existing && (existing.used || existing.revoked)) {
      await this.revokeFamilyAfterTransaction(existing.family_id);
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
   * Revokes a family in its own unit of work once the current one has ended, committed or rolled
   * back, so a request that fails with 401 still revokes it and never waits on its own locks.
   */
  async revokeFamilyAfterTransaction(familyId: string): Promise<void> {
    await this.uow.afterTransaction(() => this.uow.run(() => this.revokeFamily(familyId)));
  }

  /** Revokes every refresh token of a family and, once that commits, its access tokens (logout, reuse). */
  async revokeFamily(familyId: string): Promise<void> {
    await this.txHost.tx.query(`UPDATE refresh_tokens SET revoked_at = now(), updated_at = now() WHERE family_id = $1 AND revoked_at IS NULL`, [familyId]);
    await this.uow.afterCommit(() => this.revocations.revokeFamily(familyId));
  }

  /** Revokes an impersonation session's token once the request commits. */
  async revokeImpersonationToken(sessionId: string): Promise<void> {
    await this.uow.afterCommit(() => this.revocations.revokeSession(sessionId));
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
      for (const familyId of families) await this.revocations.revokeFamily(familyId);
    });
  }
}
