import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { NotFoundError, UnprocessableError } from '../../common/errors';
import { UnitOfWork } from '../../common/events';
import { Plan, PlanLimits, QuotaMetric } from './entities/plan.entity';
import { BillingStatus, TenantQuota } from './entities/tenant-quota.entity';
import { METRIC_CODES, metricDefinition, periodOf } from './metrics';
import { QuotaExceededError } from './quota.errors';
import { UsageLedger } from './usage-ledger';

/**
 * One metric's allowance: effective limit (null = unlimited), usage and what is left. A metric
 * that resets (monthly) also carries its current period: `periodStart` (inclusive) and
 * `periodEnd` (exclusive), ISO 8601 UTC instants; a level (seats, projects) has none.
 */
export interface Allowance {
  metric: QuotaMetric;
  limit: number | null;
  used: number;
  remaining: number | null;
  periodStart?: string;
  periodEnd?: string;
}

/** Effective limit of a metric: the tenant's override when the key is present, else the plan's (issue 3 §1). */
export function effectiveLimit(plan: PlanLimits, overrides: PlanLimits, metric: QuotaMetric): number | null {
  if (Object.prototype.hasOwnProperty.call(overrides, metric)) return overrides[metric] ?? null;
  return plan[metric] ?? null;
}

/** Effective limit of every registry metric (override ?? plan), in registry order. */
export function effectiveLimits(plan: PlanLimits, overrides: PlanLimits): Record<QuotaMetric, number | null> {
  return Object.fromEntries(METRIC_CODES.map((m) => [m, effectiveLimit(plan, overrides, m)])) as Record<QuotaMetric, number | null>;
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
    private readonly usage: UsageLedger,
    private readonly uow: UnitOfWork,
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
    const row = await this.quotaRow(tenantId);
    return effectiveLimits(row.limits, row.limit_overrides);
  }

  /** Allowance of every registry metric, in its period containing `at` (default now). */
  async allowances(tenantId: string, at = new Date()): Promise<Allowance[]> {
    return (await this.standing(tenantId, at)).allowances;
  }

  /**
   * A tenant's allowances and billing state, in one round trip of latency: its quota and plan in
   * one statement (no entity loading), its usage read in parallel. @throws NotFoundError
   */
  async standing(tenantId: string, at = new Date()): Promise<{ allowances: Allowance[]; billingStatus: BillingStatus; trialEndsAt: Date | null }> {
    const [row, used] = await Promise.all([this.quotaRow(tenantId), this.usage.current(tenantId, at)]);
    const limits = effectiveLimits(row.limits, row.limit_overrides);
    return { allowances: METRIC_CODES.map((metric) => toAllowance(metric, limits[metric], used[metric], at)), billingStatus: row.billing_status, trialEndsAt: row.trial_ends_at };
  }

  /** The tenant's quota row joined to its plan's limits. @throws NotFoundError */
  private async quotaRow(tenantId: string): Promise<{ limits: PlanLimits; limit_overrides: PlanLimits; billing_status: BillingStatus; trial_ends_at: Date | null }> {
    const rows: { limits: PlanLimits; limit_overrides: PlanLimits; billing_status: BillingStatus; trial_ends_at: Date | null }[] = await this.txHost.tx.query(
      `SELECT p.limits, q.limit_overrides, q.billing_status, q.trial_ends_at FROM tenant_quotas q JOIN plans p ON p.id = q.plan_id WHERE q.tenant_id = $1`,
      [tenantId],
    );
    if (!rows.length) throw new NotFoundError('Tenant', tenantId);
    return rows[0];
  }

  /** Allowance of one metric (for `meta.quota` of list endpoints). */
  async allowance(tenantId: string, metric: QuotaMetric): Promise<Allowance> {
    return (await this.allowances(tenantId)).find((a) => a.metric === metric)!;
  }

  /**
   * Reserves `amount` of a metric in its current period, atomically (one conditional upsert in
   * the caller's transaction, run right before its COMMIT — UnitOfWork.beforeCommit): N
   * concurrent reservations with k left succeed exactly k times.
   * @throws QuotaExceededError (402 `quota_exceeded` { metric, limit, used }), at once outside a
   * unit of work, else when the unit commits (rolling it back) | NotFoundError
   */
  async reserve(tenantId: string, metric: QuotaMetric, amount = 1): Promise<void> {
    const at = new Date();
    const limit = (await this.limits(tenantId))[metric];
    // The counter's conditional UPDATE is the last statement before COMMIT, so its row lock (which
    // serialises the tenant's concurrent reservations) is held for one round trip.
    await this.uow.beforeCommit(async () => {
      const { ok, used } = await this.usage.tryAdd(tenantId, metric, amount, limit, at);
      if (!ok) throw new QuotaExceededError(metric, limit ?? 0, used);
    });
  }

  /** Gives back `amount` of a metric in its current period (resource deleted or deactivated). */
  async release(tenantId: string, metric: QuotaMetric, amount = 1): Promise<void> {
    await this.usage.subtract(tenantId, metric, amount, new Date());
  }
}

/**
 * Builds an {@link Allowance}; `remaining` is never negative (a lowered limit may be passed). A
 * metric that resets gets the period containing `at` (the period its `used` was read in).
 */
export function toAllowance(metric: QuotaMetric, limit: number | null, used: number, at = new Date()): Allowance {
  const allowance: Allowance = { metric, limit, used, remaining: limit === null ? null : Math.max(0, limit - used) };
  if (metricDefinition(metric).reset !== 'never') {
    const period = periodOf(metric, at);
    allowance.periodStart = `${period.start}T00:00:00.000Z`;
    allowance.periodEnd = `${period.end}T00:00:00.000Z`;
  }
  return allowance;
}
