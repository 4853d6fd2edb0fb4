import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RequestContext } from '../../common/context';
import { NotFoundError, UnauthorizedError, ValidationError } from '../../common/errors';
import { TenantDirectory } from '../../common/tenancy';
import { ChangePasswordDto, MeDto, StaffLoginDto, TenantLoginDto } from './dto/auth.dto';
import { StaffMember } from './entities/staff-member.entity';
import { TenantUser } from './entities/tenant-user.entity';
import { LoginAttemptLimiter } from './login-attempt-limiter';
import { PasswordHasher } from './password-hasher';
import { TokenPair, TokenService, TokenSubject } from './token.service';
import { StaffSignIn } from './two-factor/staff-sign-in.service';

const INVALID_CREDENTIALS = 'The email or password is incorrect.';

/**
 * Sign-in, refresh rotation, logout, the current principal and own password change, for staff
 * and tenant users. Unknown email and wrong password are indistinguishable (same 401, same work).
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly limiter: LoginAttemptLimiter,
    private readonly context: RequestContext,
    private readonly tenants: TenantDirectory,
    private readonly staffSignIn: StaffSignIn,
  ) {}

  /**
   * Staff sign-in, first factor. With the right password: the token pair, or — when the member has
   * two-factor authentication, or it is required for the role — a 401 carrying a challenge
   * ({@link StaffSignIn.afterPassword}).
   * @throws TooManyRequestsError | UnauthorizedError `invalid_credentials` | SecondFactorRequiredError | TwoFactorEnrollmentRequiredError
   */
  async loginStaff(dto: StaffLoginDto): Promise<TokenPair> {
    const ip = this.context.ip;
    this.context.noteAudit({ action: 'auth.login.platform', resourceType: 'staff', actor: { type: 'platform', email: dto.email } });
    await this.limiter.reserveAttempt('platform', ip, dto.email);
    // Read and verify before the request's transaction begins (it begins with its first
    // statement): the ~40 ms argon2 verification holds no connection "idle in transaction".
    const staff = await this.txHost.withoutTransaction(() =>
      this.txHost.tx.getRepository(StaffMember).createQueryBuilder('s').addSelect('s.passwordHash').where('s.email = :email', { email: dto.email }).getOne(),
    );
    const ok = await this.hasher.verify(staff?.isActive ? staff.passwordHash : null, dto.password);
    if (!staff || !ok) {
      throw new UnauthorizedError(INVALID_CREDENTIALS, 'invalid_credentials');
    }
    this.context.noteAudit({ actor: { type: 'platform', id: staff.id, email: staff.email }, resourceId: staff.id });
    return this.staffSignIn.afterPassword(staff);
  }

  /** @throws TooManyRequestsError | UnauthorizedError `invalid_credentials` */
  async loginTenantUser(dto: TenantLoginDto): Promise<TokenPair> {
    const ip = this.context.ip;
    const scope = `tenant:${dto.tenantSlug}`;
    this.context.noteAudit({ action: 'auth.login.tenant', resourceType: 'tenant_user', actor: { type: 'tenant', email: dto.email } });
    await this.limiter.reserveAttempt(scope, ip, dto.email);
    // Read and verify before the request's transaction begins (see loginStaff).
    const { tenant, user } = await this.txHost.withoutTransaction(async () => {
      const found = await this.tenants.findBySlug(dto.tenantSlug);
      const account =
        found && found.status !== 'deleted'
          ? await this.txHost.tx
              .getRepository(TenantUser)
              .createQueryBuilder('u')
              .addSelect('u.passwordHash')
              .where('u.tenant_id = :tenantId AND u.email = :email', { tenantId: found.id, email: dto.email })
              .getOne()
          : null;
      return { tenant: found, user: account };
    });
    const ok = await this.hasher.verify(user?.isActive ? user.passwordHash : null, dto.password);
    if (!tenant || !user || !ok) {
      if (tenant) this.context.noteAudit({ tenantId: tenant.id });
      throw new UnauthorizedError(INVALID_CREDENTIALS, 'invalid_credentials');
    }
    await this.limiter.reset(scope, ip, dto.email);
    this.context.noteAudit({ actor: { type: 'tenant', id: user.id, email: user.email, tenantId: tenant.id }, tenantId: tenant.id, resourceId: user.id });
    await this.txHost.tx.getRepository(TenantUser).update(user.id, { lastLoginAt: new Date() });
    return this.tokens.issuePair({ kind: 'tenant', id: user.id, email: user.email, role: user.role, tenantId: tenant.id });
  }

  /**
   * Rotates a refresh token: the presented one is consumed, a new pair of the same family is
   * issued. A reused token revokes the family; an inactive account or deleted tenant gets 401
   * `account_inactive` and its family is revoked.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    this.context.noteAudit({ action: 'auth.refresh', resourceType: 'session' });
    // The account is checked before the token is consumed, so that an inactive account's token
    // is not spent; its family is revoked once this request's transaction has ended (the 401
    // rolls it back).
    const live = await this.tokens.findLiveRefreshToken(refreshToken);
    if (live && !(await this.loadSubject(live.principalKind, live.principalId))) {
      this.context.noteAudit({ actor: { type: live.principalKind, id: live.principalId, tenantId: live.tenantId }, resourceId: live.familyId });
      await this.tokens.revokeFamilyAfterTransaction(live.familyId);
      throw new UnauthorizedError('The account is no longer active.', 'account_inactive');
    }
    const row = await this.tokens.consumeRefreshToken(refreshToken);
    const subject = await this.loadSubject(row.principalKind, row.principalId);
    this.context.noteAudit({ actor: { type: row.principalKind, id: row.principalId, email: subject?.email ?? null, tenantId: row.tenantId }, resourceId: row.familyId });
    if (!subject) {
      // Deactivated between the check above and the consumption: deactivation revokes the
      // account's refresh tokens in its own transaction, so a 401 is all that is left to do.
      throw new UnauthorizedError('The account is no longer active.', 'account_inactive');
    }
    return this.tokens.issuePair(subject, row.familyId, row.amr);
  }

  /**
   * Signs the caller out: revokes its token family (refresh and access tokens) or, for an
   * impersonation token, that session's token (the session record itself ends when it expires or
   * when staff end it).
   */
  async logout(): Promise<void> {
    const actor = this.context.actor;
    if (actor.familyId) await this.tokens.revokeFamily(actor.familyId);
    if (actor.sessionId) await this.tokens.revokeImpersonationToken(actor.sessionId);
  }

  /** The current principal; for impersonation tokens, with the impersonator. */
  async me(): Promise<MeDto> {
    const actor = this.context.actor;
    const principal =
      actor.type === 'platform'
        ? await this.txHost.tx.getRepository(StaffMember).findOne({ where: { id: actor.id! } })
        : await this.txHost.tx.getRepository(TenantUser).findOne({ where: { id: actor.id!, tenantId: actor.tenantId! } });
    if (!principal) throw new NotFoundError('Account');
    return {
      id: principal.id,
      email: principal.email,
      fullName: principal.fullName,
      kind: actor.type as 'platform' | 'tenant',
      role: principal.role,
      tenantId: actor.tenantId,
      mustChangePassword: principal instanceof TenantUser ? principal.mustChangePassword : false,
      impersonator: actor.impersonatorId && actor.sessionId ? { staffId: actor.impersonatorId, sessionId: actor.sessionId } : null,
    };
  }

  /**
   * Changes the caller's password and signs out every session, this one included (all refresh
   * families and their access tokens): the client signs in again with the new password.
   * @throws ValidationError naming `currentPassword` when it is wrong.
   */
  async changePassword(dto: ChangePasswordDto): Promise<void> {
    const actor = this.context.actor;
    const entity = actor.type === 'platform' ? StaffMember : TenantUser;
    const repo = this.txHost.tx.getRepository<StaffMember | TenantUser>(entity);
    const row = await repo.createQueryBuilder('p').addSelect('p.passwordHash').where('p.id = :id', { id: actor.id }).getOne();
    if (!row || !(await this.hasher.verify(row.passwordHash, dto.currentPassword))) {
      throw new ValidationError([{ field: 'currentPassword', message: 'currentPassword is incorrect' }]);
    }
    if (dto.currentPassword === dto.newPassword) {
      throw new ValidationError([{ field: 'newPassword', message: 'newPassword must differ from currentPassword' }]);
    }
    const update: Partial<TenantUser> = { passwordHash: await this.hasher.hash(dto.newPassword) };
    if (entity === TenantUser) update.mustChangePassword = false;
    await repo.update(row.id, update);
    await this.tokens.revokeAllFor(row.id);
  }

  private async loadSubject(kind: 'platform' | 'tenant', id: string): Promise<TokenSubject | null> {
    if (kind === 'platform') {
      const staff = await this.txHost.tx.getRepository(StaffMember).findOne({ where: { id } });
      return staff?.isActive ? { kind, id, email: staff.email, role: staff.role, tenantId: null } : null;
    }
    const user = await this.txHost.tx.getRepository(TenantUser).findOne({ where: { id } });
    if (!user?.isActive) return null;
    const tenant = await this.tenants.findById(user.tenantId);
    return tenant && tenant.status !== 'deleted' ? { kind, id, email: user.email, role: user.role, tenantId: user.tenantId } : null;
  }
}
