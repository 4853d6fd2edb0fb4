import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { NotFoundError } from '../../common/errors';
import { TenantUsage } from './entities/tenant-usage.entity';
import { METRIC_COLUMN, UsageMetric, UsageSnapshot } from './usage-metrics';

/** Maps a tenant_usage row to counters by metric. */
export function toUsageSnapshot(row: TenantUsage): UsageSnapshot {
  return {
    members: row.memberCount,
    orgAdmins: row.orgAdminCount,
    projects: row.projectCount,
    domains: row.domainCount,
    automationsPerMonth: row.automationRunsThisMonth,
  };
}

/**
 * The usage context's facade over live counters. All methods run in the caller's transaction.
 * `tryIncrement` is the atomic seat reservation (one conditional UPDATE): N concurrent callers
 * with k seats left get exactly k successes.
 */
@Injectable()
export class UsageCounters {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Creates the zeroed counter row of a new tenant. */
  async createForTenant(tenantId: string): Promise<void> {
    await this.txHost.tx.getRepository(TenantUsage).insert({ tenantId, lastCalculatedAt: new Date() });
  }

  /** Current counters. @throws NotFoundError when the tenant has no usage row. */
  async get(tenantId: string): Promise<UsageSnapshot & { lastCalculatedAt: Date | null }> {
    const row = await this.txHost.tx.getRepository(TenantUsage).findOne({ where: { tenantId } });
    if (!row) throw new NotFoundError('Tenant', tenantId);
    return { ...toUsageSnapshot(row), lastCalculatedAt: row.lastCalculatedAt };
  }

  /**
   * Adds `amount` to a counter unless that would pass `limit` (null = unlimited), atomically.
   * Returns whether it was added and the counter's value afterwards (or as found when refused).
   */
  async tryIncrement(tenantId: string, metric: UsageMetric, amount: number, limit: number | null): Promise<{ ok: boolean; used: number }> {
    const col = METRIC_COLUMN[metric];
    const updated: [{ used: number }[], number] = await this.txHost.tx.query(
      `UPDATE tenant_usage SET ${col} = ${col} + $2, updated_at = now()
       WHERE tenant_id = $1 AND ($3::int IS NULL OR ${col} + $2 <= $3)
       RETURNING ${col} AS used`,
      [tenantId, amount, limit],
    );
    if (updated[0].length) return { ok: true, used: updated[0][0].used };
    const current = await this.get(tenantId);
    return { ok: false, used: current[metric] };
  }

  /** Subtracts `amount` from a counter, never below zero (a freed seat). */
  async decrement(tenantId: string, metric: UsageMetric, amount = 1): Promise<void> {
    const col = METRIC_COLUMN[metric];
    await this.txHost.tx.query(`UPDATE tenant_usage SET ${col} = GREATEST(0, ${col} - $2), updated_at = now() WHERE tenant_id = $1`, [tenantId, amount]);
  }
}
