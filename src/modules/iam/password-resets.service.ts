import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { randomBytes } from 'node:crypto';
import { IsNull, Raw } from 'typeorm';
import { RequestContext } from '../../common/context';
import { UnitOfWork } from '../../common/events';
import { AppError, ConflictError, NotFoundError } from '../../common/errors';
import { Mailer } from '../../common/mail';
import { TenantDirectory } from '../../common/tenancy';
import { TenantScopedRepository } from '../../database/tenant-scoped.repository';
import { PasswordResetToken } from './entities/password-reset-token.entity';
import { TenantUser } from './entities/tenant-user.entity';
import { PasswordHasher } from './password-hasher';
import { hashToken, TokenService } from './token.service';

/** Lifetime of a reset token (issue 3 §3: "expire in one hour"). */
export const PASSWORD_RESET_TTL_MINUTES = 60;
/** Path where a reset token is redeemed. */
export const PASSWORD_RESET_PATH = '/api/v1/auth/password/reset';

/** 400 `invalid_reset_token`: unknown, already used, expired or superseded token. */
export class InvalidResetTokenError extends AppError {
  constructor() {
    super('invalid_reset_token', 400, 'The reset token is invalid, expired or already used. Ask for a new one.', {
      errors: [{ field: 'token', message: 'token is invalid, expired or already used' }],
    });
  }
}

/**
 * Password resets of tenant users (issue 3 §2–§3). Tokens are `prt_` + 256 random bits,
 * stored only as SHA-256, single-use, valid {@link PASSWORD_RESET_TTL_MINUTES} minutes; issuing
 * a new one supersedes the user's earlier unused ones. Runs in the caller's transaction.
 */
@Injectable()
export class PasswordResets {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly mailer: Mailer,
    private readonly tenants: TenantDirectory,
    private readonly context: RequestContext,
    private readonly uow: UnitOfWork,
  ) {}

  /**
   * Issues a reset token for user `userId` of tenant `tenantId` and mails the user the link.
   * `requestedBy` is the tenant admin's or staff member's id (null: the system). The mail goes
   * straight to the {@link Mailer}, not through the outbox, because the token must never be
   * stored in clear; if the transaction then rolls back, the mailed token is simply unknown.
   * @returns the token (shown once) and its expiry.
   * @throws NotFoundError `user_not_found` (unknown user or another tenant's) | ConflictError `user_inactive`
   */
  async issue(tenantId: string, userId: string, requestedBy: string | null): Promise<{ resetToken: string; expiresAt: Date }> {
    const user = await this.users(tenantId).findOne({ id: userId });
    if (!user) throw new NotFoundError('User', userId);
    if (!user.isActive) throw new ConflictError('user_inactive', `User ${userId} is deactivated; activate it before resetting its password.`);
    const resetToken = `prt_${randomBytes(32).toString('base64url')}`;
    const tokens = new TenantScopedRepository(this.txHost.tx, PasswordResetToken, tenantId);
    await tokens.update({ userId, usedAt: IsNull(), expiresAt: Raw((at) => `${at} > now()`) }, { usedAt: () => 'now()' });
    const { expiresAt } = await tokens.insertOne({
      userId,
      tokenHash: hashToken(resetToken),
      expiresAt: () => `now() + make_interval(mins => ${PASSWORD_RESET_TTL_MINUTES})`,
      requestedBy,
    });
    // Mailed once the token row has committed (a rolled-back request mails nothing unusable),
    // and outside the transaction's row locks.
    await this.uow.afterCommit(() =>
      this.mailer.send({
        to: user.email,
        subject: 'Reset your password',
        text:
          `Hello ${user.fullName},\n\nA password reset was requested for your account. Send this token with your new password ` +
          `to POST ${PASSWORD_RESET_PATH} before ${expiresAt.toISOString()}:\n\n${resetToken}\n\nIf you did not expect this, ignore this message.`,
        sensitive: [resetToken],
      }),
    );
    return { resetToken, expiresAt };
  }

  /**
   * Redeems a reset token: consumes it with one conditional UPDATE (unused and unexpired, so
   * two concurrent redemptions cannot both pass), sets the new password, clears
   * mustChangePassword and revokes the user's refresh tokens.
   * @throws InvalidResetTokenError (400) for an unknown, used or expired token, or when the user
   * or its tenant can no longer sign in.
   */
  async reset(token: string, newPassword: string): Promise<void> {
    this.context.noteAudit({ resourceType: 'tenant_user' });
    // TypeORM's postgres driver answers an UPDATE with [rows, affectedCount].
    const [rows]: [{ user_id: string; tenant_id: string }[], number] = await this.txHost.tx.query(
      // eslint-disable-next-line no-restricted-syntax -- a reset token is redeemed on a public route: its row is found by hash alone and names the tenant.
      `UPDATE password_reset_tokens SET used_at = now(), updated_at = now()
       WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
       RETURNING user_id, tenant_id`,
      [hashToken(token)],
    );
    if (!rows.length) throw new InvalidResetTokenError();
    const { user_id: userId, tenant_id: tenantId } = rows[0];
    const users = this.users(tenantId);
    const user = await users.findOne({ id: userId });
    this.context.noteAudit({ actor: { type: 'tenant', id: userId, email: user?.email ?? null, tenantId }, tenantId, resourceId: userId });
    const tenant = await this.tenants.findById(tenantId);
    if (!user?.isActive || !tenant || tenant.status === 'deleted') throw new InvalidResetTokenError();
    await users.update({ id: userId }, { passwordHash: await this.hasher.hash(newPassword), mustChangePassword: false });
    await this.tokens.revokeAllFor(userId);
  }

  /** The users of `tenantId` only (CONVENTIONS §4): another tenant's user is never found. */
  private users(tenantId: string): TenantScopedRepository<TenantUser> {
    return new TenantScopedRepository(this.txHost.tx, TenantUser, tenantId);
  }
}
