import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { TenantScopedRepository } from '../../database/tenant-scoped.repository';
import { MetricsOwnedBy } from '../plans';
import { ReportsUsage, UsageSource } from '../usage';
import { TenantUser } from './entities/tenant-user.entity';
import { SEAT_RULE, SeatMetric } from './seat-rule';

/**
 * iam's usage source for the recount: the seats of SEAT_RULE (the rule TenantUserAccounts
 * reserves and releases by), measured from iam's own tenant_users table in one query through the
 * tenant scope, in the recount's transaction: per seat metric, the active users of its role (or
 * of any role).
 */
@ReportsUsage('iam', ['members', 'orgAdmins'])
export class TenantUserSeatsUsageSource implements UsageSource {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Active users and active admins of `tenantId` now (seats are levels: `at` plays no part). */
  async measure(tenantId: string): Promise<Record<MetricsOwnedBy<'iam'>, number>> {
    const qb = new TenantScopedRepository(this.txHost.tx, TenantUser, tenantId).queryBuilder('u');
    const metrics = Object.keys(SEAT_RULE) as SeatMetric[];
    for (const [i, metric] of metrics.entries()) {
      const role = SEAT_RULE[metric].role;
      const count = `count(*) FILTER (WHERE u.is_active${role ? ` AND u.role = :role${i}` : ''})::int`;
      if (role) qb.setParameter(`role${i}`, role);
      if (i === 0) qb.select(count, metric);
      else qb.addSelect(count, metric);
    }
    const row = await qb.getRawOne<Record<SeatMetric, number>>();
    return Object.fromEntries(metrics.map((m) => [m, row?.[m] ?? 0])) as Record<SeatMetric, number>;
  }
}
