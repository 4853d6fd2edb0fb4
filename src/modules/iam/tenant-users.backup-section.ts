import { Injectable, OnModuleInit } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { TENANT_ROLES, TenantRole } from '../../common/auth';
import { BackupSection, BackupSections, fieldChanges, pagesById, RestoreOptions, RestoreOutcome } from '../../common/backups';
import { ConflictError } from '../../common/errors';
import { EventBus } from '../../common/events';
import type { JsonObject } from '../../database/json';
import { TenantScopedRepository } from '../../database/tenant-scoped.repository';
import { TenantUser } from './entities/tenant-user.entity';
import { UserCreatedEvent } from './events/tenant-user.events';
import { generateTemporaryPassword, TenantUserAccounts } from './tenant-user-accounts.service';
import { PasswordHasher } from './password-hasher';
import { TenantUsersService } from './tenant-users.service';

/** One user of a backup archive (schema version 2). Roles are the product's fixed set, carried by each user. */
export class BackupUserRecord {
  @IsUUID('all') id: string;
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value)) @IsEmail() @MaxLength(254) email: string;
  @IsString() @MinLength(1) @MaxLength(200) fullName: string;
  @IsIn(TENANT_ROLES) role: TenantRole;
  @IsBoolean() isActive: boolean;
  @IsBoolean() mustChangePassword: boolean;
  /** Only in an archive with credentials: the argon2id PHC string as stored. */
  @IsOptional() @IsString() @Matches(/^\$argon2(id|i|d)\$/, { message: 'passwordHash must be an argon2 PHC string' }) @MaxLength(500) passwordHash?: string;
}

/**
 * The `users` section of a tenant backup (iam). Export: every user of the tenant with id, email,
 * name, role, active state and mustChangePassword; the password hash only in a full archive.
 * Restore, through the same domain paths as the tenant-user routes: a user that still exists gets
 * its name and role back (PATCH rules: orgAdmins seats, last admin) and its active state
 * (activate takes its seats again — 402 `quota_exceeded` when the members limit is reached;
 * deactivate frees them and revokes its sessions); its email and password are never changed. A
 * user that no longer exists is created again with its id, taking its seats like a new user; from
 * a full archive it keeps its password hash, otherwise it gets an unusable random password and
 * mustChangePassword, and signs in after a password reset (POST /tenant/users/{userId}/password-reset).
 * Users created after the backup are left as they are.
 */
@Injectable()
export class TenantUsersBackupSection implements BackupSection, OnModuleInit {
  readonly name = 'users';
  readonly order = 20;
  readonly recordType = BackupUserRecord;

  constructor(
    private readonly sections: BackupSections,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly users: TenantUsersService,
    private readonly accounts: TenantUserAccounts,
    private readonly hasher: PasswordHasher,
    private readonly events: EventBus,
  ) {}

  onModuleInit(): void {
    this.sections.register(this);
  }

  private repo(tenantId: string): TenantScopedRepository<TenantUser> {
    return new TenantScopedRepository(this.txHost.tx, TenantUser, tenantId);
  }

  async *export(tenantId: string, opts: { includeCredentials: boolean }): AsyncIterable<JsonObject> {
    const rows = pagesById<TenantUser>((after, limit) => {
      const qb = this.repo(tenantId).queryBuilder('u').orderBy('u.id', 'ASC').take(limit);
      if (opts.includeCredentials) qb.addSelect('u.passwordHash');
      if (after) qb.andWhere('u.id > :after', { after });
      return qb.getMany();
    });
    for await (const u of rows) {
      yield {
        id: u.id,
        email: u.email,
        fullName: u.fullName,
        role: u.role,
        isActive: u.isActive,
        mustChangePassword: u.mustChangePassword,
        ...(opts.includeCredentials ? { passwordHash: u.passwordHash } : {}),
      };
    }
  }

  async restore(tenantId: string, records: object[], opts: RestoreOptions): Promise<RestoreOutcome[]> {
    const out: RestoreOutcome[] = [];
    for (const r of records as BackupUserRecord[]) out.push(await this.restoreOne(tenantId, r, opts));
    return out;
  }

  private async restoreOne(tenantId: string, r: BackupUserRecord, opts: RestoreOptions): Promise<RestoreOutcome> {
    const resourceType = 'tenant_user';
    const current = await this.repo(tenantId).findOne({ id: r.id });
    if (!current) return this.recreate(tenantId, r, opts);
    const changes = fieldChanges(current as unknown as Record<string, unknown>, r as unknown as Record<string, unknown>, ['fullName', 'role', 'isActive']);
    const note = current.email !== r.email ? `email stays ${current.email} (an email is never changed by a restore)` : undefined;
    if (!Object.keys(changes).length) return { key: r.id, action: 'unchanged', resourceType, ...(note ? { note } : {}) };
    // Deactivate before a role change (its seats are freed under its current role); activate after
    // one (its seats are taken under the restored role).
    if (changes.isActive && !r.isActive) await this.users.deactivate(tenantId, r.id);
    if (changes.fullName || changes.role) await this.users.update(tenantId, r.id, { fullName: r.fullName, role: r.role });
    if (changes.isActive && r.isActive) await this.users.activate(tenantId, r.id);
    return { key: r.id, action: 'update', changes, resourceType, ...(note ? { note } : {}) };
  }

  /** A user that no longer exists, created again with its id and seats. @throws ConflictError `user_email_taken` | QuotaExceededError */
  private async recreate(tenantId: string, r: BackupUserRecord, opts: RestoreOptions): Promise<RestoreOutcome> {
    const hash = opts.includesCredentials && r.passwordHash ? r.passwordHash : await this.hasher.hash(generateTemporaryPassword());
    const mustChangePassword = !(opts.includesCredentials && r.passwordHash) || r.mustChangePassword;
    const user = await this.repo(tenantId).insertOne(
      { id: r.id, email: r.email, fullName: r.fullName, role: r.role, passwordHash: hash, isActive: r.isActive, mustChangePassword },
      { orIgnore: true },
    );
    if (!user) throw new ConflictError('user_email_taken', `A user with email ${r.email} already exists in this tenant.`, { field: 'email' });
    if (r.isActive) await this.accounts.reserveSeats(tenantId, r.role);
    await this.events.publish(new UserCreatedEvent(tenantId, { userId: user.id, email: user.email, role: user.role, isActive: user.isActive }));
    const note = mustChangePassword && !r.passwordHash ? 'no password in the archive: issue a password reset for this user' : undefined;
    return {
      key: r.id,
      action: 'create',
      resourceType: 'tenant_user',
      changes: { email: r.email, fullName: r.fullName, role: r.role, isActive: r.isActive, mustChangePassword },
      ...(note ? { note } : {}),
    };
  }
}
