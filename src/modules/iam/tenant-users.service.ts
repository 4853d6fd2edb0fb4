import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RequestContext } from '../../common/context';
import { TenantScopedRepository } from '../../database/tenant-scoped.repository';
import { containsPattern } from '../../common/http';
import { ConflictError, NotFoundError } from '../../common/errors';
import { EventBus } from '../../common/events';
import { QuotaService } from '../plans';
import { PasswordResetIssuedDto } from './dto/password-reset.dto';
import {
  CreatedTenantUserDto,
  CreateTenantUserDto,
  TenantUserDto,
  TenantUserListQueryDto,
  TenantUserPageDto,
  UpdateTenantUserDto,
} from './dto/tenant-user.dto';
import { TenantUser } from './entities/tenant-user.entity';
import { UserActivatedEvent, UserDeactivatedEvent, UserUpdatedEvent } from './events/tenant-user.events';
import { PasswordResets } from './password-resets.service';
import { TenantUserAccounts } from './tenant-user-accounts.service';
import { TokenService } from './token.service';

/** Maps a tenant user to its public shape (no password material). */
export function toTenantUserDto(u: TenantUser): TenantUserDto {
  return {
    id: u.id,
    email: u.email,
    fullName: u.fullName,
    role: u.role,
    status: u.isActive ? 'active' : 'inactive',
    mustChangePassword: u.mustChangePassword,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

/**
 * Tenant user management by a tenant's own admins (issue 3 §3). Every method takes the
 * tenant id from the caller's token and filters by it, so another tenant's user is a 404.
 * Seats: an active user holds a `members` seat, an active admin also an `orgAdmins` seat.
 * Deactivating an inactive user or activating an active one changes nothing and returns the
 * user as it is (idempotent: 200, no event, no seat change).
 */
@Injectable()
export class TenantUsersService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly accounts: TenantUserAccounts,
    private readonly quotas: QuotaService,
    private readonly tokens: TokenService,
    private readonly resets: PasswordResets,
    private readonly events: EventBus,
    private readonly context: RequestContext,
  ) {}

  /** The tenant's users only (CONVENTIONS §4): another tenant's user is never found. */
  private users(tenantId: string): TenantScopedRepository<TenantUser> {
    return new TenantScopedRepository(this.txHost.tx, TenantUser, tenantId);
  }

  /** Filtered, offset-paginated users of the tenant, with the members allowance in `meta.quota`. */
  async list(tenantId: string, query: TenantUserListQueryDto): Promise<TenantUserPageDto> {
    const qb = this.users(tenantId).queryBuilder('u');
    if (query.q) qb.andWhere('(u.email ILIKE :q OR u.full_name ILIKE :q)', { q: containsPattern(query.q) });
    if (query.role) qb.andWhere('u.role = :role', { role: query.role });
    if (query.status) qb.andWhere('u.is_active = :active', { active: query.status === 'active' });
    qb.orderBy('u.createdAt', 'ASC').addOrderBy('u.id', 'ASC').take(query.limit).skip(query.offset);
    // Page, count and allowance in parallel (a read runs outside any transaction: one pooled
    // connection each); the page is an index scan of ix_tenant_users_tenant_created.
    const [rows, total, quota] = await Promise.all([qb.getMany(), qb.getCount(), this.quotas.allowance(tenantId, 'members')]);
    return { data: rows.map(toTenantUserDto), meta: { total, limit: query.limit, offset: query.offset, quota } };
  }

  /** @throws NotFoundError `user_not_found` */
  async get(tenantId: string, userId: string): Promise<TenantUserDto> {
    return toTenantUserDto(await this.find(tenantId, userId));
  }

  /**
   * Creates a user, taking its seats atomically; emits user.created.
   * @throws QuotaExceededError (402 members, or orgAdmins for an admin) | ConflictError `user_email_taken`
   */
  async create(tenantId: string, dto: CreateTenantUserDto): Promise<CreatedTenantUserDto> {
    const { user, temporaryPassword } = await this.accounts.create(tenantId, dto);
    const out = toTenantUserDto(user);
    this.context.noteAudit({ resourceId: user.id, after: out });
    return temporaryPassword ? { ...out, temporaryPassword } : out;
  }

  /**
   * Changes name and/or role; emits user.updated when something changed. For an active user a
   * change to admin takes an orgAdmins seat, a change from admin frees one; the last active
   * admin cannot be demoted.
   * @throws NotFoundError | QuotaExceededError (orgAdmins) | ConflictError `last_admin`
   */
  async update(tenantId: string, userId: string, dto: UpdateTenantUserDto): Promise<TenantUserDto> {
    const admins = dto.role !== undefined ? await this.lockActiveAdmins(tenantId) : [];
    const before = await this.find(tenantId, userId, true);
    const changed = (['fullName', 'role'] as const).filter((k) => dto[k] !== undefined && dto[k] !== before[k]);
    if (!changed.length) return toTenantUserDto(before);
    if (changed.includes('role') && before.isActive) {
      if (before.role === 'admin') {
        this.assertNotLastAdmin(admins, userId, 'demoted');
        await this.quotas.release(tenantId, 'orgAdmins');
      } else if (dto.role === 'admin') {
        await this.quotas.reserve(tenantId, 'orgAdmins');
      }
    }
    const after = (await this.users(tenantId).updateOne({ id: userId }, { fullName: dto.fullName, role: dto.role }))!;
    await this.events.publish(new UserUpdatedEvent(tenantId, { userId, email: after.email, role: after.role, isActive: after.isActive, changed }));
    return this.noted(before, after);
  }

  /**
   * Deactivates a user: frees its seats, revokes its refresh tokens, and emits user.deactivated
   * (whose listener revokes its access tokens once committed). The tenant's active admin rows
   * are locked before the last-admin decision, so two admins cannot deactivate each other at once.
   * @throws NotFoundError | ConflictError `last_admin`
   */
  async deactivate(tenantId: string, userId: string): Promise<TenantUserDto> {
    const admins = await this.lockActiveAdmins(tenantId);
    const before = await this.find(tenantId, userId, true);
    if (!before.isActive) return toTenantUserDto(before);
    if (before.role === 'admin') this.assertNotLastAdmin(admins, userId, 'deactivated');
    const after = (await this.users(tenantId).updateOne({ id: userId }, { isActive: false }))!;
    await this.accounts.releaseSeats(tenantId, before.role);
    await this.tokens.revokeAllFor(userId);
    await this.events.publish(new UserDeactivatedEvent(tenantId, { userId, email: after.email, role: after.role, isActive: false }));
    return this.noted(before, after);
  }

  /**
   * Re-activates a user, taking its seats again; emits user.activated. Tokens issued before the
   * deactivation stay revoked; the user signs in again (TokenRevocations revokes up to an instant).
   * @throws NotFoundError | QuotaExceededError (402) when no seat is left
   */
  async activate(tenantId: string, userId: string): Promise<TenantUserDto> {
    const before = await this.find(tenantId, userId, true);
    if (before.isActive) return toTenantUserDto(before);
    await this.accounts.reserveSeats(tenantId, before.role);
    await this.users(tenantId).update({ id: userId }, { isActive: true });
    const after = await this.find(tenantId, userId);
    await this.events.publish(new UserActivatedEvent(tenantId, { userId, email: after.email, role: after.role, isActive: true }));
    return this.noted(before, after);
  }

  /** Issues a reset token for one of the tenant's users (mailed to the user as well). @throws NotFoundError | ConflictError `user_inactive` */
  async issuePasswordReset(tenantId: string, userId: string, requestedBy: string | null): Promise<PasswordResetIssuedDto> {
    const { resetToken, expiresAt } = await this.resets.issue(tenantId, userId, requestedBy);
    this.context.noteAudit({ resourceId: userId, metadata: { expiresAt: expiresAt.toISOString() } });
    return { resetToken, expiresAt: expiresAt.toISOString() };
  }

  /** Ids of the tenant's active admins, row-locked (FOR UPDATE) in id order: one lock order for every caller. */
  private async lockActiveAdmins(tenantId: string): Promise<string[]> {
    const rows = await this.users(tenantId)
      .queryBuilder('u')
      .select('u.id')
      .andWhere(`u.role = 'admin' AND u.is_active = true`)
      .orderBy('u.id', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
    return rows.map((r) => r.id);
  }

  /** @throws ConflictError `last_admin` when `userId` is the only one of the locked active admins. */
  private assertNotLastAdmin(admins: string[], userId: string, verb: 'demoted' | 'deactivated'): void {
    if (!admins.some((id) => id !== userId)) {
      throw new ConflictError('last_admin', `The last active admin of the organisation cannot be ${verb}; make another user admin first.`);
    }
  }

  private async find(tenantId: string, userId: string, lock = false): Promise<TenantUser> {
    const qb = this.users(tenantId).queryBuilder('u').andWhere('u.id = :userId', { userId });
    if (lock) qb.setLock('pessimistic_write');
    const user = await qb.getOne();
    if (!user) throw new NotFoundError('User', userId);
    return user;
  }

  private noted(before: TenantUser, after: TenantUser): TenantUserDto {
    const out = toTenantUserDto(after);
    this.context.noteAudit({ resourceId: after.id, before: toTenantUserDto(before), after: out });
    return out;
  }
}
