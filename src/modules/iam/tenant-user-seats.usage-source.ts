import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { TenantScopedRepository } from '../../database/tenant-scoped.repository';
import { MetricsOwnedBy } from '../plans';
import { ReportsUsage, UsageSource } from '../usage';
import { TenantUser } from './entities/tenant-user.entity';

/**
 * iam's usage source for the recount, holding the seat rule of tenant users (the same rule
 * TenantUserAccounts reserves and releases by): every active user takes a `members` seat, an
 * active user with role admin also an `orgAdmins` seat, inactive users none. Measured from iam's
 * own tenant_users table in one query through the tenant scope, in the recount's transaction.
 */
@ReportsUsage('iam', ['members', 'orgAdmins'])
export class TenantUserSeatsUsageSource implements UsageSource {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Active users and active admins of `tenantId` now (seats are levels: `at` plays no part). */
  async measure(tenantId: string): Promise<Record<MetricsOwnedBy<'iam'>, number>> {
    const row = await new TenantScopedRepository(this.txHost.tx, TenantUser, tenantId)
      .queryBuilder('u')
      .select(`count(*) FILTER (WHERE u.is_active)::int`, 'members')
      .addSelect(`count(*) FILTER (WHERE u.is_active AND u.role = 'admin')::int`, 'orgAdmins')
      .getRawOne<{ members: number; orgAdmins: number }>();
    return { members: row?.members ?? 0, orgAdmins: row?.orgAdmins ?? 0 };
  }
}
