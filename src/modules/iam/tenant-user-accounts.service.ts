import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { randomBytes } from 'node:crypto';
import { ConflictError } from '../../common/errors';
import { EventBus } from '../../common/events';
import { TenantScopedRepository } from '../../database/tenant-scoped.repository';
import { QuotaService } from '../plans';
import { TenantUser } from './entities/tenant-user.entity';
import { UserCreatedEvent } from './events/tenant-user.events';
import { PasswordHasher } from './password-hasher';
import { seatsTakenBy } from './seat-rule';

/** Input of {@link TenantUserAccounts.create}. Email is normalised to lowercase by the caller's DTO. */
export interface NewTenantUser {
  email: string;
  fullName: string;
  role: TenantUser['role'];
  /** Omitted: a temporary password is generated, returned once, and must be changed at first sign-in. */
  password?: string;
}

/** What other contexts may know of a tenant user (no credentials, no entity). */
export interface TenantUserRef {
  id: string;
  tenantId: string;
  email: string;
  fullName: string;
  role: TenantUser['role'];
}

/** A generated password: 24 base64url characters (144 bits). */
export function generateTemporaryPassword(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * Creates tenant users with seat accounting: in the caller's transaction it reserves a
 * `members` seat (and an `orgAdmins` seat for role admin) atomically, inserts the user and
 * publishes user.created. Used by tenant provisioning and by tenant admins.
 */
@Injectable()
export class TenantUserAccounts {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly hasher: PasswordHasher,
    private readonly quotas: QuotaService,
    private readonly events: EventBus,
  ) {}

  /**
   * @returns the user and, when generated, its temporary password (shown once).
   * @throws QuotaExceededError (402) | ConflictError `user_email_taken` (409)
   */
  async create(tenantId: string, input: NewTenantUser): Promise<{ user: TenantUser; temporaryPassword: string | null }> {
    const temporaryPassword = input.password ? null : generateTemporaryPassword();
    const passwordHash = await this.hasher.hash(input.password ?? temporaryPassword!);
    const user = await this.users(tenantId).insertOne(
      { email: input.email, fullName: input.fullName, role: input.role, passwordHash, isActive: true, mustChangePassword: !input.password },
      { orIgnore: true },
    );
    if (!user) throw new ConflictError('user_email_taken', `A user with email ${input.email} already exists in this tenant.`, { field: 'email' });
    // Its seats are reserved right before COMMIT (QuotaService.reserve): the counter row stays
    // unlocked while the rest of the request runs.
    await this.reserveSeats(tenantId, input.role);
    await this.events.publish(new UserCreatedEvent(tenantId, { userId: user.id, email: user.email, role: user.role, isActive: true }));
    return { user, temporaryPassword };
  }

  /** Takes the seats an active user of `role` occupies (SEAT_RULE). @throws QuotaExceededError */
  async reserveSeats(tenantId: string, role: TenantUser['role']): Promise<void> {
    for (const metric of seatsTakenBy({ isActive: true, role })) await this.quotas.reserve(tenantId, metric);
  }

  /** Frees the seats an active user of `role` occupied (SEAT_RULE). */
  async releaseSeats(tenantId: string, role: TenantUser['role']): Promise<void> {
    for (const metric of seatsTakenBy({ isActive: true, role })) await this.quotas.release(tenantId, metric);
  }

  /**
   * An active user of `tenantId` as a plain object: the user `userId`, or without it the
   * tenant's longest-standing active admin. Null when there is none (unknown id, another
   * tenant's user, inactive user). Used by impersonation (target) and by the staff-initiated admin password reset.
   */
  async findActiveUser(tenantId: string, userId?: string): Promise<TenantUserRef | null> {
    const qb = this.users(tenantId).queryBuilder('u').andWhere('u.is_active = true');
    if (userId) qb.andWhere('u.id = :userId', { userId });
    else qb.andWhere(`u.role = 'admin'`).orderBy('u.createdAt', 'ASC').addOrderBy('u.id', 'ASC');
    const user = await qb.getOne();
    return user ? { id: user.id, tenantId: user.tenantId, email: user.email, fullName: user.fullName, role: user.role } : null;
  }

  /**
   * Counts of the tenant's users for its subscription page: every user, the active ones (each
   * takes a license, SEAT_RULE) and the active ones signed in since `since`.
   */
  async userStats(tenantId: string, since: Date): Promise<{ totalUsers: number; activeUsers: number; recentActiveUsers: number }> {
    const row = (await this.users(tenantId)
      .queryBuilder('u')
      .select('count(*)::int', 'total')
      .addSelect('count(*) FILTER (WHERE u.is_active)::int', 'active')
      .addSelect('count(*) FILTER (WHERE u.is_active AND u.last_login_at >= :since)::int', 'recent')
      .setParameter('since', since)
      .getRawOne()) as { total: number; active: number; recent: number };
    return { totalUsers: row.total, activeUsers: row.active, recentActiveUsers: row.recent };
  }

  /**
   * The tenant's active users that have one of `roles` or are listed in `userIds` (id and role),
   * e.g. the recipients of a notification rule. One statement; no user when both are empty.
   */
  async activeUsersIn(tenantId: string, roles: readonly string[], userIds: readonly string[] = []): Promise<{ id: string; role: TenantUser['role'] }[]> {
    if (!roles.length && !userIds.length) return [];
    return (await this.users(tenantId)
      .queryBuilder('u')
      .select(['u.id', 'u.role'])
      .andWhere('u.is_active = true')
      .andWhere('(u.role = ANY(:roles) OR u.id = ANY(:userIds))', { roles: [...roles], userIds: [...userIds] })
      .getMany()).map((u) => ({ id: u.id, role: u.role }));
  }

  /** The users of `tenantId` only (CONVENTIONS §4). */
  private users(tenantId: string): TenantScopedRepository<TenantUser> {
    return new TenantScopedRepository(this.txHost.tx, TenantUser, tenantId);
  }
}
