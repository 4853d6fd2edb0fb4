import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { NotFoundError, UnprocessableError } from '../../common/errors';
import { USAGE_METRICS, UsageCounters } from '../usage';
import { Plan, PlanLimits, QuotaMetric } from './entities/plan.entity';
import { BillingStatus, TenantQuota } from './entities/tenant-quota.entity';
import { QuotaExceededError } from './quota.errors';

/** One metric's allowance: effective limit (null = unlimited), usage and what is left. */
export interface Allowance {
  metric: QuotaMetric;
  limit: number | null;
  used: number;
  remaining: number | null;
}

/** Effective limit of a metric: the tenant's override when the key is present, else the plan's (issue 3 §1). */
export function effectiveLimit(plan: PlanLimits, overrides: PlanLimits, metric: QuotaMetric): number | null {
  if (Object.prototype.hasOwnProperty.call(overrides, metric)) return overrides[metric] ?? null;
  return plan[metric] ?? null;
}

/**
 * The same rule as {@link effectiveLimit} as a SQL expression, for read models that join
 * `tenant_quotas` and `plans` (aliases `quota`, `plan`) and must not compute it row by row.
 */
export function effectiveLimitSql(metric: QuotaMetric, quota = 'q', plan = 'p'): string {
  return `CASE WHEN ${quota}.limit_overrides ? '${metric}' THEN (${quota}.limit_overrides->>'${metric}')::int ELSE (${plan}.limits->>'${metric}')::int END`;
}

/**
 * The plans context's facade for quotas: creating a tenant's quota, reading allowances and
 * reserving/releasing metered resources in the caller's transaction.
 */
@Injectable()
export class QuotaService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly usage: UsageCounters,
  ) {}

  /**
   * Creates the quota of a new tenant on plan `planCode`, with a trial of `trialDays` (0 = none,
   * billingStatus active). @throws UnprocessableError `plan_unavailable` for an unknown or inactive plan.
   */
  async createForTenant(tenantId: string, planCode: string, trialDays: number): Promise<{ planId: string; billingStatus: BillingStatus; trialEndsAt: Date | null }> {
    const plan = await this.txHost.tx.getRepository(Plan).findOne({ where: { code: planCode } });
    if (!plan || !plan.isActive) {
      throw new UnprocessableError('plan_unavailable', `Plan ${planCode} does not exist or is not active.`, { field: 'planCode' });
    }
    const trialEndsAt = trialDays > 0 ? new Date(Date.now() + trialDays * 86_400_000) : null;
    const billingStatus: BillingStatus = trialDays > 0 ? 'trial' : 'active';
    await this.txHost.tx.getRepository(TenantQuota).insert({ tenantId, planId: plan.id, billingStatus, trialEndsAt, limitOverrides: {}, featureOverrides: {} });
    return { planId: plan.id, billingStatus, trialEndsAt };
  }

  /** Effective limits of a tenant. @throws NotFoundError */
  async limits(tenantId: string): Promise<Record<QuotaMetric, number | null>> {
    const row: { limits: PlanLimits; limit_overrides: PlanLimits }[] = await this.txHost.tx.query(
      `SELECT p.limits, q.limit_overrides FROM tenant_quotas q JOIN plans p ON p.id = q.plan_id WHERE q.tenant_id = $1`,
      [tenantId],
    );
    if (!row.length) throw new NotFoundError('Tenant', tenantId);
    return Object.fromEntries(USAGE_METRICS.map((m) => [m, effectiveLimit(row[0].limits, row[0].limit_overrides, m)])) as Record<QuotaMetric, number | null>;
  }

  /** Allowance of every metric. */
  async allowances(tenantId: string): Promise<Allowance[]> {
    const [limits, used] = [await this.limits(tenantId), await this.usage.get(tenantId)];
    return USAGE_METRICS.map((metric) => toAllowance(metric, limits[metric], used[metric]));
  }

  /** Allowance of one metric (for `meta.quota` of list endpoints). */
  async allowance(tenantId: string, metric: QuotaMetric): Promise<Allowance> {
    return (await this.allowances(tenantId)).find((a) => a.metric === metric)!;
  }

  /**
   * Reserves `amount` of a metric atomically (one conditional UPDATE in the caller's
   * transaction): N concurrent reservations with k left succeed exactly k times.
   * @throws QuotaExceededError (402) | NotFoundError
   */
  async reserve(tenantId: string, metric: QuotaMetric, amount = 1): Promise<void> {
    const limit = (await this.limits(tenantId))[metric];
    const { ok, used } = await this.usage.tryIncrement(tenantId, metric, amount, limit);
    if (!ok) throw new QuotaExceededError(metric, limit ?? 0, used);
  }

  /** Gives back `amount` of a metric (resource deleted or deactivated). */
  async release(tenantId: string, metric: QuotaMetric, amount = 1): Promise<void> {
    await this.usage.decrement(tenantId, metric, amount);
  }
}

/** Builds an {@link Allowance}; `remaining` is never negative (a lowered limit may be passed). */
export function toAllowance(metric: QuotaMetric, limit: number | null, used: number): Allowance {
  return { metric, limit, used, remaining: limit === null ? null : Math.max(0, limit - used) };
}
